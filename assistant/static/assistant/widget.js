/*
 * The shop assistant's chat widget. Embed it with one tag (see docs/widget.md):
 *
 *   <script src="https://ASSISTANT/static/assistant/widget.js"
 *           data-endpoint="https://ASSISTANT/" defer></script>
 *
 * Plain JavaScript, no build step, nothing fetched from anywhere but the endpoint.
 * It talks to ws(s)://ENDPOINT/ws/chat/<session_id>/ and falls back to POST /chat
 * when the websocket cannot be opened. The session ID lives in localStorage, so the
 * conversation survives reloads; the server sends the history on every (re)connect.
 * The session ID only names the conversation: the secret token the server issues with
 * its first reply (kept in localStorage beside the ID, shared by the site's tabs) is
 * what holds it. It goes in the socket's first frame and in the X-Session-Token header,
 * never in a URL.
 */
(function () {
  "use strict";

  var script =
    document.currentScript || document.querySelector('script[src*="assistant/widget.js"]');
  if (!script || window.__assistantWidget) return;

  var data = script.dataset || {};
  var base = new URL(data.endpoint || "/", script.src || window.location.href);
  if (!/\/$/.test(base.pathname)) base.pathname += "/";
  var TITLE = data.title || "Chat with us";
  var TRANSPORT = data.transport === "http" ? "http" : "auto";
  var MAX_LENGTH = 2000;
  var KEEP_MESSAGES = 50;
  var SESSION_KEY = "assistant-widget:session";
  var TOKEN_KEY = "assistant-widget:token";
  var TOKEN_HEADER = "X-Session-Token";
  var WS_CLOSE_INVALID_SESSION = 4400;
  var WS_CLOSE_FLOODING = 4429;

  // --- storage (may be blocked: then the session lasts as long as the page) ---------

  var memory = {};
  function load(key) {
    try { return window.localStorage.getItem(key); } catch (e) { return memory[key] || null; }
  }
  function save(key, value) {
    try { window.localStorage.setItem(key, value); } catch (e) { memory[key] = value; }
  }

  function newSessionId() {
    var bytes = new Uint8Array(12);
    window.crypto.getRandomValues(bytes);
    return "w-" + Array.prototype.map.call(bytes, function (b) {
      return ("0" + b.toString(16)).slice(-2);
    }).join("");
  }

  var sessionId = load(SESSION_KEY);
  if (!sessionId || !/^[A-Za-z0-9_-]{1,128}$/.test(sessionId)) {
    sessionId = newSessionId();
    save(SESSION_KEY, sessionId);
  }
  function messagesKey() { return "assistant-widget:messages:" + sessionId; }
  // Read at each use, not once: another tab may have been issued the token meanwhile.
  function sessionToken() { return load(TOKEN_KEY) || ""; }
  function keepToken(token) { if (token) save(TOKEN_KEY, token); }

  // --- DOM ---------------------------------------------------------------------------

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) { node.setAttribute(name, attrs[name]); });
    if (text) node.textContent = text;
    return node;
  }

  var host = el("div", { id: "assistant-widget" });
  // A shadow root keeps the shop's CSS and ours apart.
  var root = host.attachShadow ? host.attachShadow({ mode: "open" }) : host;
  root.appendChild(el("link", { rel: "stylesheet", href: new URL("widget.css", script.src).href }));

  var bubble = el("button", {
    type: "button", "class": "aw-bubble", "aria-label": "Open chat",
    "aria-expanded": "false", "aria-controls": "aw-panel"
  });
  bubble.innerHTML =
    '<svg viewBox="0 0 24 24" width="28" height="28" aria-hidden="true" focusable="false">' +
    '<path fill="currentColor" d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/></svg>';

  var panel = el("section", { id: "aw-panel", "class": "aw-panel", role: "dialog", "aria-label": TITLE });
  panel.hidden = true;
  var header = el("header", { "class": "aw-header" });
  var titleNode = el("h2", { "class": "aw-title" }, TITLE);
  var statusNode = el("span", { "class": "aw-status", role: "status" });
  var closeButton = el("button", { type: "button", "class": "aw-close", "aria-label": "Close chat" }, "\u00d7");
  header.append(titleNode, statusNode, closeButton);

  var list = el("ol", { "class": "aw-messages", role: "log", "aria-live": "polite", "aria-label": "Conversation" });
  var typing = el("div", { "class": "aw-typing", "aria-hidden": "true" });
  typing.append(el("span"), el("span"), el("span"), el("em", {}, "Assistant is typing\u2026"));
  typing.hidden = true;

  var form = el("form", { "class": "aw-composer" });
  var label = el("label", { "for": "aw-input", "class": "aw-sr-only" }, "Your message");
  var input = el("textarea", {
    id: "aw-input", rows: "1", maxlength: String(MAX_LENGTH), placeholder: "Type your message\u2026",
    autocomplete: "off"
  });
  var sendButton = el("button", { type: "submit", "class": "aw-send" }, "Send");
  form.append(label, input, sendButton);
  panel.append(header, list, typing, form);
  root.append(bubble, panel);

  // --- rendering ---------------------------------------------------------------------

  var stored = [];

  function remember(item) {
    stored.push(item);
    stored = stored.slice(-KEEP_MESSAGES);
    save(messagesKey(), JSON.stringify(stored));
  }

  function scrollDown() { list.scrollTop = list.scrollHeight; }

  function detailsFor(item) {
    var wrap = el("div", { "class": "aw-details-wrap" });
    var toggle = el("button", { type: "button", "class": "aw-details-toggle", "aria-expanded": "false" }, "Details");
    var details = el("div", { "class": "aw-details" });
    details.hidden = true;
    var facts = el("dl");
    facts.append(el("dt", {}, "Agent"), el("dd", {}, item.agent || "\u2014"));
    facts.append(el("dt", {}, "Handover"), el("dd", {}, item.handover || "none"));
    details.append(facts);
    var calls = item.tool_calls || [];
    details.append(el("p", { "class": "aw-tools-title" }, calls.length ? "Tool calls" : "No tool calls"));
    if (calls.length) {
      var callList = el("ul", { "class": "aw-tools" });
      calls.forEach(function (call) {
        var li = el("li");
        li.append(el("strong", {}, call.tool || call.name || "tool"));
        var rest = {};
        Object.keys(call).forEach(function (k) { if (k !== "tool" && k !== "name") rest[k] = call[k]; });
        li.append(el("pre", {}, JSON.stringify(rest)));
        callList.append(li);
      });
      details.append(callList);
    }
    toggle.addEventListener("click", function () {
      var open = toggle.getAttribute("aria-expanded") === "true";
      toggle.setAttribute("aria-expanded", open ? "false" : "true");
      toggle.textContent = open ? "Details" : "Hide details";
      details.hidden = open;
      if (!open && details.scrollIntoView) details.scrollIntoView({ block: "nearest" });
    });
    wrap.append(toggle, details);
    return wrap;
  }

  var SVG_NS = "http://www.w3.org/2000/svg";

  function thumbIcon(down) {
    // Drawn, not an emoji: emoji fonts are missing on some systems.
    var svg = document.createElementNS(SVG_NS, "svg");
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("width", "16");
    svg.setAttribute("height", "16");
    svg.setAttribute("aria-hidden", "true");
    if (down) svg.setAttribute("transform", "rotate(180)");
    var path = document.createElementNS(SVG_NS, "path");
    path.setAttribute("fill", "currentColor");
    path.setAttribute("d", "M2 21h4V9H2v12zm20-11c0-1.1-.9-2-2-2h-6.3l1-4.6v-.3c0-.4-.2-.8-.4-1.1L13.2 1 6.6 7.6C6.2 8 6 8.5 6 9v10c0 1.1.9 2 2 2h9c.8 0 1.5-.5 1.8-1.2l3-7.1c.1-.2.2-.5.2-.7v-2z");
    svg.append(path);
    return svg;
  }

  function feedbackFor(item) {
    // Thumbs up/down on a stored reply: POST /chat/feedback; pressing again changes it.
    var wrap = el("div", { "class": "aw-feedback", role: "group", "aria-label": "Was this answer helpful?" });
    [["up", "Helpful"], ["down", "Not helpful"]].forEach(function (choice) {
      var button = el("button", {
        type: "button", "class": "aw-rate aw-rate-" + choice[0], "aria-label": choice[1],
        "aria-pressed": item.feedback === choice[0] ? "true" : "false"
      });
      button.append(thumbIcon(choice[0] === "down"));
      button.addEventListener("click", function () {
        window.fetch(new URL("chat/feedback", base).href, {
          method: "POST",
          headers: tokenHeaders(),
          body: JSON.stringify({ session_id: sessionId, message_id: item.id, rating: choice[0] }),
          credentials: "omit"
        }).then(function (response) {
          if (!response.ok) return;
          item.feedback = choice[0];
          wrap.querySelectorAll("button").forEach(function (b) { b.setAttribute("aria-pressed", "false"); });
          button.setAttribute("aria-pressed", "true");
          save(messagesKey(), JSON.stringify(stored));
        }).catch(function () {});
      });
      wrap.append(button);
    });
    return wrap;
  }

  function render(item) {
    if (item.id && list.querySelector('[data-id="' + item.id + '"]')) return false;
    var li = el("li", { "class": "aw-msg aw-" + item.role });
    if (item.id) li.setAttribute("data-id", String(item.id));
    var who = { user: "You", assistant: "Assistant", staff: "Our team", error: "Notice" }[item.role] || "";
    if (item.role === "staff") {
      // A person wrote this, not the assistant: say so visibly.
      li.append(el("span", { "class": "aw-author" }, (item.staff_name ? item.staff_name + " \u00B7 " : "") + "Our team (a person)"));
    } else {
      li.append(el("span", { "class": "aw-sr-only" }, who + ": "));
    }
    li.append(el("p", { "class": "aw-text" }, item.content));
    if (item.role === "assistant") {
      li.append(detailsFor(item));
      if (item.id) li.append(feedbackFor(item));
    }
    list.append(li);
    scrollDown();
    return true;
  }

  function add(item) {
    if (render(item) && item.role !== "error") remember(item);
  }

  function replaceAll(items) {
    list.textContent = "";
    stored = [];
    items.forEach(function (m) {
      render(m);
      stored.push(m);
    });
    stored = stored.slice(-KEEP_MESSAGES);
    save(messagesKey(), JSON.stringify(stored));
  }

  function showTyping(on) {
    typing.hidden = !on;
    if (on) scrollDown();
  }

  function setStatus(text) { statusNode.textContent = text; }

  function replyItem(frame) {
    return {
      id: frame.id, role: "assistant", content: frame.response, agent: frame.agent,
      handover: frame.handover, tool_calls: frame.tool_calls
    };
  }

  try {
    JSON.parse(load(messagesKey()) || "[]").forEach(function (m) { render(m); stored.push(m); });
  } catch (e) { stored = []; }

  // --- transport: websocket first, POST /chat when it cannot be opened ------------------

  var socket = null;
  var socketToken = "";  // the token this socket presented or was issued
  var attempts = 0;
  var reconnectTimer = null;
  var started = false;

  function wsUrl() {
    var url = new URL("ws/chat/" + encodeURIComponent(sessionId) + "/", base);
    url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
    return url.href;
  }

  function connect() {
    reconnectTimer = null;
    if (TRANSPORT === "http" || !("WebSocket" in window)) {
      setStatus("");
      return;
    }
    setStatus(attempts ? "Reconnecting\u2026" : "Connecting\u2026");
    var ws;
    try { ws = new WebSocket(wsUrl()); } catch (e) { scheduleReconnect(0); return; }
    socket = ws;
    ws.onopen = function () {
      attempts = 0;
      setStatus("");
      // First frame: the token (none for a new visitor); the server answers with the
      // history, and only then sends this socket the conversation's turns.
      socketToken = sessionToken();
      ws.send(JSON.stringify({ type: "resume", token: socketToken }));
    };
    ws.onmessage = function (event) {
      var frame;
      try { frame = JSON.parse(event.data); } catch (e) { return; }
      onFrame(frame);
    };
    ws.onclose = function (event) {
      if (socket === ws) socket = null;
      showTyping(false);
      if (event.code === WS_CLOSE_INVALID_SESSION) {
        sessionId = newSessionId();
        save(SESSION_KEY, sessionId);
        save(TOKEN_KEY, "");
      }
      scheduleReconnect(event.code);
    };
  }

  function scheduleReconnect(code) {
    if (reconnectTimer) return;
    attempts += 1;
    // Exponential backoff with jitter, so a restarted server is not hit by every
    // browser at the same instant; a client closed for flooding waits the longest.
    var delay = code === WS_CLOSE_FLOODING ? 30000 : Math.min(30000, 500 * Math.pow(2, attempts - 1));
    delay = delay * (0.5 + Math.random() / 2);
    setStatus(attempts > 2 ? "Offline \u2014 messages are sent as normal requests" : "Reconnecting\u2026");
    reconnectTimer = window.setTimeout(connect, delay);
  }

  function onFrame(frame) {
    switch (frame.type) {
      case "history":
        // Only the answer to this socket's resume frame counts (it has "resumed"); the
        // empty history every socket gets on connect, before it proves anything, does not.
        if (frame.resumed === undefined) break;
        replaceAll((frame.messages || []).map(function (m) {
          return {
            id: m.id, role: m.role, content: m.content, agent: m.agent,
            handover: m.handover, tool_calls: m.tool_calls, staff_name: m.author_name, feedback: m.feedback
          };
        }));
        break;
      case "session":
        // The server started a conversation for this socket: keep its token for the
        // next page load, the HTTP fallback and the other tabs (the storage event).
        socketToken = frame.token || "";
        keepToken(socketToken);
        break;
      case "typing":
        showTyping(true);
        break;
      case "user_message":
        add({ role: "user", content: frame.message });
        break;
      case "reply":
        showTyping(false);
        // An empty reply: a person owns the conversation and the assistant stays silent.
        if (frame.response) add(replyItem(frame));
        break;
      case "staff_message":
        showTyping(false);
        add({ id: frame.id, role: "staff", content: frame.message, staff_name: frame.staff_name });
        break;
      case "error":
        showTyping(false);
        add({ role: "error", content: frame.message || "Something went wrong." });
        break;
    }
  }

  function tokenHeaders() {
    var headers = { "Content-Type": "application/json", Accept: "application/json" };
    var token = sessionToken();
    if (token) headers[TOKEN_HEADER] = token;
    return headers;
  }

  function sendOverHttp(text) {
    showTyping(true);
    window.fetch(new URL("chat", base).href, {
      method: "POST",
      headers: tokenHeaders(),
      body: JSON.stringify({ session_id: sessionId, message: text }),
      credentials: "omit"
    }).then(function (response) {
      keepToken(response.headers.get(TOKEN_HEADER));
      return response.json().catch(function () { return {}; }).then(function (body) {
        showTyping(false);
        if (response.ok) {
          var item = replyItem(body);
          item.id = Number(response.headers.get("X-Message-Id")) || undefined;
          if (item.content) add(item);
        }
        else add({ role: "error", content: body.message || "The assistant could not answer (" + response.status + ")." });
      });
    }).catch(function () {
      showTyping(false);
      add({ role: "error", content: "The assistant cannot be reached. Check your connection and try again." });
    });
  }

  function send(text) {
    text = text.trim();
    if (!text) return;
    if (text.length > MAX_LENGTH) text = text.slice(0, MAX_LENGTH);
    add({ role: "user", content: text });
    if (socket && socket.readyState === WebSocket.OPEN) {
      socket.send(JSON.stringify({ type: "message", message: text }));
    } else {
      sendOverHttp(text);
    }
  }

  function start() {
    if (started) return;
    started = true;
    connect();
  }

  // --- opening, closing, keyboard -------------------------------------------------------

  function openPanel() {
    panel.hidden = false;
    host.classList.add("aw-open");
    bubble.setAttribute("aria-expanded", "true");
    start();
    scrollDown();
    input.focus();
  }

  function closePanel() {
    panel.hidden = true;
    host.classList.remove("aw-open");
    bubble.setAttribute("aria-expanded", "false");
    bubble.focus();
  }

  bubble.addEventListener("click", function () { panel.hidden ? openPanel() : closePanel(); });
  closeButton.addEventListener("click", closePanel);
  panel.addEventListener("keydown", function (event) {
    if (event.key === "Escape") closePanel();
  });
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    send(input.value);
    input.value = "";
    input.focus();
  });
  input.addEventListener("keydown", function (event) {
    // Enter sends; Shift+Enter starts a new line.
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit ? form.requestSubmit() : form.dispatchEvent(new Event("submit", { cancelable: true }));
    }
  });

  // Another tab was issued the conversation's token: hold the conversation here too, so
  // every tab receives every turn (a socket already holding another one reconnects).
  window.addEventListener("storage", function (event) {
    if (event.key !== TOKEN_KEY || !event.newValue || event.newValue === socketToken) return;
    if (socket && socket.readyState === WebSocket.CONNECTING) return;  // its resume reads the new one
    if (socket && socket.readyState === WebSocket.OPEN && !socketToken) {
      socketToken = event.newValue;
      socket.send(JSON.stringify({ type: "resume", token: socketToken }));
    } else if (socket) {
      socket.close();
    } else {
      start();
    }
  });

  function mount() {
    document.body.appendChild(host);
    // A returning shopper with a conversation gets it (and other tabs' replies) live;
    // a first-time visitor opens no socket until they open the chat.
    if (stored.length) start();
  }
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);

  window.__assistantWidget = { open: openPanel, close: closePanel, sessionId: function () { return sessionId; } };
})();
