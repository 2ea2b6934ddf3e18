/**
 * OAuth 1.0a provider: clients, request/access tokens, nonces, signature
 * checks, and the API's auth middlewares.
 */
export { createAuth, authOf, type AuthInfo, type AuthMiddlewares, type AuthOptions, type SessionNicknameSource } from "./auth";
export { clientAsObject, uuidV5Shaped, type ClientObject } from "./client-object";
export { readClient, createClient, updateClient, type ClientRecord, type ClientProps } from "./clients";
export { registerClient, parseRegistration, type RegistrationResult, type DialbackIdentity } from "./client-registration";
export { ensureConfiguredClients, ensureConfiguredUsers } from "./configured";
export { mintAccessToken, findAccessToken, readAccessToken, deleteAccessTokensOf, type AccessTokenRecord, type RequestTokenRecord } from "./tokens";
export { checkNonce, purgeNonces, startNonceCleanup, NONCE_LIFETIME_MS, TIMESTAMP_WINDOW_S, type Stoppable } from "./nonce";
export { OAuthError, OAuthMessages, sendOAuthError, oauthErrorResponder, OAUTH_CHALLENGE } from "./errors";
export { startOAuthServices } from "./services";
export { formBodyParser } from "./body";
export { registerAccount, deleteAccount, loginAccount, type AfterRegister } from "./accounts";
