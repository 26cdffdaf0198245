/** Sends one set-up change; true when the server took it (the view then reloads the set-up). */
export type Send = (method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown) => Promise<boolean>;
