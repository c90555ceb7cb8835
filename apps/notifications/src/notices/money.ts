/** Integer cents as Brazilian reais, the way the store writes prices: `R$ 1.234,56`. */
export function formatBrl(cents: number): string {
  if (!Number.isInteger(cents)) throw new Error(`amount must be integer cents, got ${cents}`);
  const sign = cents < 0 ? '-' : '';
  const abs = Math.abs(cents);
  const reais = Math.floor(abs / 100)
    .toString()
    .replace(/\B(?=(\d{3})+(?!\d))/g, '.');
  const centavos = (abs % 100).toString().padStart(2, '0');
  return `${sign}R$ ${reais},${centavos}`;
}
