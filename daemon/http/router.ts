/**
 * Routes are declared, then mounted in one place. Route files call `routes.get(path, handler)`
 * on a RouteList; the composition root mounts every collected route on one case-sensitive
 * router, each behind the guard its policy (daemon/security/policy.ts) names.
 *
 * Routing is case- and encoding-sensitive (`/API/v1/...` or `/api/v1/%63losing/z` match no
 * route → 404), and the policy is looked up for the route that matched, never by path prefix:
 * what the router runs and what the guard checked are the same route by construction.
 */
import Router from '@koa/router';
import type {
  Context,
  Handler,
  HttpMethod,
  Middleware,
  Next,
  Routes,
  RouteSpec,
} from '../core/http.js';

export class RouteList implements Routes {
  readonly specs: RouteSpec[] = [];

  private add(method: HttpMethod, path: string, handler: Handler): void {
    this.specs.push({ method, path, handler });
  }

  get(path: string, handler: Handler): void {
    this.add('GET', path, handler);
  }
  post(path: string, handler: Handler): void {
    this.add('POST', path, handler);
  }
  put(path: string, handler: Handler): void {
    this.add('PUT', path, handler);
  }
  patch(path: string, handler: Handler): void {
    this.add('PATCH', path, handler);
  }
  delete(path: string, handler: Handler): void {
    this.add('DELETE', path, handler);
  }
  options(path: string, handler: Handler): void {
    this.add('OPTIONS', path, handler);
  }
}

/** `METHOD path` — the key of a route in the policy table. */
export const routeKey = (r: { method: string; path: string }): string => `${r.method} ${r.path}`;

/** Marks the guard a route was mounted behind, so tests can walk the router and find it. */
export const ROUTE_KEY = Symbol('route-key');

export function createRouter(): Router {
  return new Router({ sensitive: true, strict: true, exclusive: 'specificity' });
}

/**
 * Mounts each route as [guard, handler]. `guardFor` returns the route's policy guard (a route
 * without a policy gets one that refuses everyone).
 */
export function mountRoutes(
  router: Router,
  specs: RouteSpec[],
  guardFor: (spec: RouteSpec) => Middleware,
): void {
  const seen = new Set<string>();
  for (const spec of specs) {
    const key = routeKey(spec);
    if (seen.has(key)) throw new Error(`route ${key} is declared twice`);
    seen.add(key);
    const guard = Object.assign(guardFor(spec), { [ROUTE_KEY]: key });
    const handler = async (ctx: Context, _next: Next): Promise<void> => {
      await spec.handler(ctx);
    };
    router.register(spec.path, [spec.method], [guard, handler], { name: key });
  }
}
