// A request's target as Patroni routes it: the path (query string split off, not decoded), the
// query, and the first path segment that picks the handler (`/cluster/x` is `/cluster`).

export interface RequestTarget {
  path: string;
  query: URLSearchParams;
  segment: string;
}

export function firstSegment(path: string): string {
  const end = path.indexOf('/', 1);
  return path.slice(1, end < 0 ? undefined : end);
}

export function parseRequestTarget(url: string): RequestTarget {
  const mark = url.indexOf('?');
  const path = mark < 0 ? url : url.slice(0, mark);
  return { path, query: new URLSearchParams(mark < 0 ? '' : url.slice(mark + 1)), segment: firstSegment(path) };
}
