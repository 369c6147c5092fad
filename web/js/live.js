// The live balance: one graphql-transport-ws connection to /graphql per watched line (a
// phone number or a home contract), subscribing by the trusted-document id of
// documents/CabinetBalance.graphql.
// The token goes in connection_init (never in the URL); when the server ends the stream
// because the access token expired, the next connection takes a refreshed one; one it
// refused before our clock expired it is replaced, not sent again. No network (or no server)
// at the time of a reconnection: it tries again later, backing off to every 30 s.
// A refusal that the same request would get again (below) ends the watch: state "off".
import { accessToken, documentNamed, replaceRefusedToken } from "./api.js";

const PROTOCOL = "graphql-transport-ws";
// Codes no reconnection can change: the document's id unknown to this server (the page is
// older than the server's documents: a reload reads the new ones), text instead of an id,
// no access to the line (any more). Retrying them would only knock on the door forever.
const ENDED_FOR_GOOD = new Set(["PERSISTED_QUERY_NOT_FOUND", "TRUSTED_DOCUMENT_REQUIRED", "FORBIDDEN", "NOT_FOUND"]);
const TOKEN_REFUSED_CLOSE = 4403; // connection_init refused: a bad, expired or revoked token

/** Follows the balance of the line `name` names ({ msisdn } or { contractNumber }).
 * onState("live" | "offline" | "off"): subscribed; reconnecting; stopped for good. */
export function watchBalance(name, { onBalance, onState }) {
  let socket = null;
  let stopped = false;
  let attempt = 0;
  let timer = null;
  let refused = null; // the token the server last refused

  async function connect() {
    let token, document;
    try {
      const fresh = refused ? replaceRefusedToken(refused) : accessToken();
      [token, document] = await Promise.all([fresh, documentNamed("CabinetBalance")]);
    } catch {
      retryLater(); // no network now: the page stays as it is, and says so
      return;
    }
    refused = null;
    if (stopped || !token) return;
    const url = new URL("/graphql", window.location.href);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    socket = new WebSocket(url, PROTOCOL);
    socket.addEventListener("open", () => {
      socket.send(JSON.stringify({ type: "connection_init", payload: { Authorization: `Bearer ${token}` } }));
    });
    socket.addEventListener("message", (event) => {
      const message = JSON.parse(event.data);
      if (message.type === "connection_ack") {
        onState("live");
        socket.send(
          JSON.stringify({
            id: "balance",
            type: "subscribe",
            // The document's id, as HTTP requests send it (TRUSTED_DOCUMENTS=require
            // refuses text on the WebSocket too).
            payload: {
              documentId: `sha256:${document.id}`,
              operationName: document.name,
              variables: name,
            },
          }),
        );
      } else if (message.type === "ping") {
        socket.send(JSON.stringify({ type: "pong" }));
      } else if (message.type === "next") {
        const change = message.payload?.data?.balanceChanged;
        if (change) {
          attempt = 0; // subscribed: the backoff starts over (not at the ack, which a refused subscribe gets too)
          onBalance(change);
        }
        const code = message.payload?.errors?.[0]?.extensions?.code;
        if (ENDED_FOR_GOOD.has(code)) endForGood();
        else if (code) {
          if (code === "UNAUTHENTICATED") refused = token;
          socket.close();
        }
      } else if (message.type === "error") {
        // The subscribe itself refused: its payload is the list of errors.
        const code = Array.isArray(message.payload) ? message.payload[0]?.extensions?.code : undefined;
        if (ENDED_FOR_GOOD.has(code)) endForGood();
        else socket.close(); // rate limited, too many subscriptions...: later, with backoff
      } else if (message.type === "complete") {
        socket.close(); // reconnects with a fresh token below
      }
    });
    socket.addEventListener("close", (event) => {
      if (event.code === TOKEN_REFUSED_CLOSE) refused = token;
      retryLater();
    });
  }

  function retryLater() {
    if (stopped) return;
    onState("offline");
    attempt += 1;
    timer = setTimeout(connect, Math.min(30_000, 500 * 2 ** attempt));
  }

  function stop() {
    stopped = true;
    clearTimeout(timer);
    socket?.close();
  }

  function endForGood() {
    stop();
    onState("off");
  }

  connect();
  return stop;
}
