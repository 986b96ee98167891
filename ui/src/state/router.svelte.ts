// The current route, kept in step with location.hash. The location is injected so tests drive the
// router without a browser.
import { formatRoute, parseHash, type Route } from '../lib/route.ts';

export interface HashLocation {
  read(): string;
  /** A new history entry. */
  assign(hash: string): void;
  /** Replaces the current entry (redirects: a Trace ID typed into the lookup). */
  replace(hash: string): void;
  /** Calls back when the user changes the hash (back/forward, a typed URL); returns the unsubscriber. */
  listen(onChange: () => void): () => void;
}

export function windowLocation(): HashLocation {
  return {
    read: () => window.location.hash,
    assign: (hash) => {
      window.location.hash = hash;
    },
    replace: (hash) => {
      history.replaceState(history.state, '', hash);
    },
    listen: (onChange) => {
      window.addEventListener('hashchange', onChange);
      return () => window.removeEventListener('hashchange', onChange);
    },
  };
}

export class Router {
  route = $state.raw<Route>({ name: 'home' });
  readonly #location: HashLocation;
  readonly #unlisten: () => void;

  constructor(location: HashLocation) {
    this.#location = location;
    this.route = parseHash(location.read());
    this.#unlisten = location.listen(() => this.#sync());
  }

  #sync(): void {
    const next = parseHash(this.#location.read());
    // Same route → keep the object, so views do not reload.
    if (formatRoute(next) !== formatRoute(this.route)) this.route = next;
  }

  go(route: Route): void {
    this.#location.assign(formatRoute(route));
    this.#sync();
  }

  replace(route: Route): void {
    this.#location.replace(formatRoute(route));
    this.#sync();
  }

  dispose(): void {
    this.#unlisten();
  }
}
