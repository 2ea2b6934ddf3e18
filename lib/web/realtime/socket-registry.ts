import type { WebSocket } from "ws";
import type { SocketUser } from "./session-user";
import { MAX_FOLLOWS } from "./protocol";

/** One open realtime socket: who it is, what it follows. */
export interface LiveSocket {
  ws: WebSocket;
  user: SocketUser;
  follows: Set<string>;
}

/** The worker's open sockets indexed by followed stream URL. */
export class SocketRegistry {
  private readonly byUrl = new Map<string, Set<LiveSocket>>();
  private readonly all = new Set<LiveSocket>();

  add(s: LiveSocket): void {
    this.all.add(s);
  }

  remove(s: LiveSocket): void {
    for (const url of s.follows) this.unfollow(s, url);
    this.all.delete(s);
  }

  /** False when the socket already follows the maximum. */
  follow(s: LiveSocket, url: string): boolean {
    if (s.follows.has(url)) return true;
    if (s.follows.size >= MAX_FOLLOWS) return false;
    s.follows.add(url);
    let set = this.byUrl.get(url);
    if (!set) this.byUrl.set(url, (set = new Set()));
    set.add(s);
    return true;
  }

  unfollow(s: LiveSocket, url: string): void {
    s.follows.delete(url);
    const set = this.byUrl.get(url);
    if (!set) return;
    set.delete(s);
    if (set.size === 0) this.byUrl.delete(url);
  }

  following(url: string): LiveSocket[] {
    return [...(this.byUrl.get(url) ?? [])];
  }

  get size(): number {
    return this.all.size;
  }

  sockets(): LiveSocket[] {
    return [...this.all];
  }
}
