import type { NextFunction, Request, Response } from 'express';
import type { PlaceOrderAdmission } from './place-order-admission.service';

/**
 * Express middleware that runs before the JSON body is read: while admission refuses new orders, a
 * POST /orders is refused here, with the same 503 and Retry-After the use case would give (the error
 * goes through the service's DomainErrorFilter), without parsing, validating or routing the request.
 * Under overload most requests are refusals, and each one would otherwise cost the CPU the accepted
 * orders need. A retry of an order already placed (same Idempotency-Key) is refused too, and gets its
 * order once Orders takes orders again: later, never twice.
 */
export function refuseWhileOverloaded(admission: PlaceOrderAdmission) {
  return (request: Request, _response: Response, next: NextFunction): void => {
    const refusal = request.method === 'POST' && request.path === '/orders' ? admission.refusal() : undefined;
    next(refusal);
  };
}
