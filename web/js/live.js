// The live balance: one graphql-transport-ws connection to /graphql per watched line (a
// phone number or a home contract), subscribing by the trusted-document id of
// documents/CabinetBalance.graphql.
// The token goes in connection_init (never in the URL); when the server ends the stream
// because the access token expired, the next connection takes a refreshed one; one it
// refused before our clock expired it is replaced, not sent again. No network (or no server)
// at the time of a reconnection: it tries again later, backing off to every 30 s.
import { accessToken, documentNamed, replaceRefusedToken } from "./api.js";

const PROTOCOL = "graphql-transport-ws";
const ENDED_FOR_GOOD = new Set(["NOT_FOUND", "FORBIDDEN"]);
const TOKEN_REFUSED_CLOSE = 4403; // connection_init refused: a bad, expired or revoked token

/** Follows the balance of the line `name` names ({ msisdn } or { contractNumber }). */
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
        attempt = 0;
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
        if (change) onBalance(change);
        const code = message.payload?.errors?.[0]?.extensions?.code;
        if (ENDED_FOR_GOOD.has(code)) stop();
        else if (code) {
          if (code === "UNAUTHENTICATED") refused = token;
          socket.close();
        }
      } else if (message.type === "error" || message.type === "complete") {
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

  connect();
  return stop;
}
