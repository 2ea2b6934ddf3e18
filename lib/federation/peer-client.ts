import type { AS } from "../model/as";
import type { LocalPeople } from "../model/local-people";
import type { UrlMaker } from "../url-maker";
import { DeliveryError, type PeerClient } from "./delivery";
import type { Federation } from "./index";

export interface PeerClientDeps {
  federation: Pick<Federation, "discovery" | "credentials">;
  people: LocalPeople;
  urls: UrlMaker;
}

/**
 * Delivery's view of the federation client (lib/federation/delivery.ts):
 * inboxes by WebFinger only (a link inside a received object could point
 * anywhere), and POSTs as the local person whose activity it is, with the
 * credentials registered by Dialback as that person (re-registered once on 401).
 */
export function createPeerClient(deps: PeerClientDeps): PeerClient {
  const { discovery, credentials } = deps.federation;
  return {
    async inboxOf(id) {
      // The job queue has its own backoff; a peer back from the dead must be found again at once.
      const links = await discovery.webfinger(id, { ignoreBackoff: true });
      const inbox = links.find((l) => l.rel === "activity-inbox" && typeof l.href === "string")?.href;
      if (!inbox) throw new DeliveryError(`No activity-inbox link for ${id}`, null);
      return inbox;
    },
    async postAs(actorId: string, inbox: string, body: AS) {
      const nick = deps.people.nicknameOf(actorId);
      if (!nick) throw new DeliveryError(`${actorId} is not a local person; not delivered`, null);
      const res = await credentials.requestAs(inbox, {
        method: "POST",
        headers: { "Content-Type": "application/json", Accept: "application/json" },
        body: JSON.stringify(body),
        as: { webfinger: `${nick}@${deps.urls.host}` },
      });
      return { status: res.status, text: res.text() };
    },
  };
}
