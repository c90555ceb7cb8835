/** The store's starting catalogue: a small clothing shop. Prices in cents (BRL). */
export const STARTING_CATALOG = [
  { sku: 'CAMISETA-BASICA-P', name: 'Camiseta básica P', priceCents: 4990, stockAvailable: 100 },
  { sku: 'CAMISETA-BASICA-M', name: 'Camiseta básica M', priceCents: 4990, stockAvailable: 100 },
  { sku: 'CAMISETA-BASICA-G', name: 'Camiseta básica G', priceCents: 4990, stockAvailable: 100 },
  { sku: 'CALCA-JEANS-42', name: 'Calça jeans 42', priceCents: 15990, stockAvailable: 40 },
  { sku: 'JAQUETA-COURO-M', name: 'Jaqueta de couro M', priceCents: 49990, stockAvailable: 15 },
  { sku: 'TENIS-CORRIDA-40', name: 'Tênis de corrida 40', priceCents: 29990, stockAvailable: 30 },
  { sku: 'MEIA-ALGODAO-KIT3', name: 'Meias de algodão (kit com 3)', priceCents: 2990, stockAvailable: 200 },
  { sku: 'MOLETOM-CAPUZ-G', name: 'Moletom com capuz G', priceCents: 18990, stockAvailable: 25 },
  { sku: 'VESTIDO-LINHO-M', name: 'Vestido de linho M', priceCents: 21990, stockAvailable: 20 },
  /** Scarce on purpose: ten units, to watch stock run out. */
  { sku: 'BONE-EDICAO-LIMITADA', name: 'Boné edição limitada', priceCents: 8990, stockAvailable: 10 },
] as const;
