import { generateKeyPair, createPrivateKey, webcrypto } from "node:crypto";
import { promisify } from "node:util";
import type { Bank } from "../databank";
import { AlreadyExistsError } from "../databank";

const generate = promisify(generateKeyPair);

/** A local actor's key pair as stored. */
export interface ActorKey {
  nickname: string;
  publicKeyPem: string;
  privateKeyPem: string;
  created: string;
}

/**
 * The RSA key pair of a local actor, generated on first need and kept in
 * the bank. Two workers racing make one each; the first stored wins and
 * both use it (create refuses the second).
 */
export async function actorKey(bank: Bank, nickname: string): Promise<ActorKey> {
  const found = await bank.find<ActorKey>("apkey", nickname);
  if (found) return found;
  const pair = await generate("rsa", {
    modulusLength: 2048,
    publicKeyEncoding: { type: "spki", format: "pem" },
    privateKeyEncoding: { type: "pkcs8", format: "pem" },
  });
  const key: ActorKey = { nickname, publicKeyPem: pair.publicKey, privateKeyPem: pair.privateKey, created: new Date().toISOString() };
  try {
    return await bank.create("apkey", nickname, key);
  } catch (err) {
    if (err instanceof AlreadyExistsError) return bank.read<ActorKey>("apkey", nickname);
    throw err;
  }
}

/** The private key as a WebCrypto key, for fedify's signRequest. */
export async function signingKey(key: ActorKey): Promise<webcrypto.CryptoKey> {
  const der = createPrivateKey(key.privateKeyPem).export({ type: "pkcs8", format: "der" });
  return webcrypto.subtle.importKey("pkcs8", der, { name: "RSASSA-PKCS1-v1_5", hash: "SHA-256" }, true, ["sign"]);
}
