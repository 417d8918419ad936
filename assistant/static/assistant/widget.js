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
 * A new conversation's messages carry the page's language (<html lang>, else the
 * browser's) as a hint of the customer's language; the server decides the conversation's
 * language, and the hint is dropped for the page if the shop does not serve it.
 * The widget's own words, the greeting of an empty conversation and its suggested
 * questions come from GET chat/widget-config in the page's language; the English ones
 * below stay when the service cannot be reached.
 */
(function () {
  "use strict";

  var script =
    document.currentScript || document.querySelector('script[src*="assistant/widget.js"]');
  if (!script || window.__assistantWidget) return;

  var data = script.dataset || {};
  var base = new URL(data.endpoint || "/", script.src || window.location.href);
  if (!/\/$/.test(base.pathname)) base.pathname += "/";
  var CUSTOM_TITLE = data.title || "";  // the shop's own title, kept as written
  var TRANSPORT = data.transport === "http" ? "http" : "auto";
  var MAX_LENGTH = 2000;
  var KEEP_MESSAGES = 50;
  var SESSION_KEY = "assistant-widget:session";
  var TOKEN_KEY = "assistant-widget:token";
  var TOKEN_HEADER = "X-Session-Token";
  var WS_CLOSE_INVALID_SESSION = 4400;
  var WS_CLOSE_FLOODING = 4429;

  // Every phrase the widget shows, in English until GET chat/widget-config answers with
  // the page's language (applyConfig).
  var STRINGS = {
    title: "Chat with us", open_chat: "Open chat", close_chat: "Close chat", conversation: "Conversation",
    typing: "Assistant is typing\u2026", your_message: "Your message", placeholder: "Type your message\u2026",
    send: "Send", suggestions: "Suggested questions", details: "Details", hide_details: "Hide details",
    agent: "Agent", handover: "Handover", no_handover: "none", tool_calls: "Tool calls", no_tool_calls: "No tool calls",
    feedback_question: "Was this answer helpful?", helpful: "Helpful", not_helpful: "Not helpful",
    you: "You", assistant: "Assistant", our_team: "Our team", our_team_person: "Our team (a person)", notice: "Notice",
    connecting: "Connecting\u2026", reconnecting: "Reconnecting\u2026",
    offline: "Offline \u2014 messages are sent as normal requests", error: "Something went wrong.",
    error_status: "The assistant could not answer (%(status)s).",
    unreachable: "The assistant cannot be reached. Check your connection and try again."
  };
  var DEFAULT_WELCOME = {
    language: "en",
    greeting: "Hello! I can track or cancel your order and answer questions about our products. How can I help?",
    suggestions: ["Where is my order?", "Cancel an order"]
  };
  function t(key) { return STRINGS[key]; }
  function title() { return CUSTOM_TITLE || t("title"); }

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

  // The hint only matters until the conversation has a language, i.e. before its token.
  var pageLanguage = ((document.documentElement && document.documentElement.lang) || navigator.language || "").trim();
  function languageHint() { return sessionToken() ? "" : pageLanguage; }
  function messageBody(body) {
    var hint = languageHint();
    if (hint) body.language = hint;
    return body;
  }
  function refuseHint() { pageLanguage = ""; }

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
    type: "button", "class": "aw-bubble", "aria-label": t("open_chat"),
    "aria-expanded": "false", "aria-controls": "aw-panel"
  });
  bubble.innerHTML =
    '<svg viewBox="0 0 24 24" width="28" height="28" aria-hidden="true" focusable="false">' +
    '<path fill="currentColor" d="M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H8l-4 4V6a2 2 0 0 1 2-2z"/></svg>';

  var panel = el("section", { id: "aw-panel", "class": "aw-panel", role: "dialog", "aria-label": title() });
  panel.hidden = true;
  var header = el("header", { "class": "aw-header" });
  var titleNode = el("h2", { "class": "aw-title" }, title());
  var statusNode = el("span", { "class": "aw-status", role: "status" });
  var closeButton = el("button", { type: "button", "class": "aw-close", "aria-label": t("close_chat") }, "\u00d7");
  header.append(titleNode, statusNode, closeButton);

  var list = el("ol", { "class": "aw-messages", role: "log", "aria-live": "polite", "aria-label": t("conversation") });
  var typing = el("div", { "class": "aw-typing", "aria-hidden": "true" });
  var typingText = el("em", {}, t("typing"));
  typing.append(el("span"), el("span"), el("span"), typingText);
  typing.hidden = true;

  var form = el("form", { "class": "aw-composer" });
  var label = el("label", { "for": "aw-input", "class": "aw-sr-only" }, t("your_message"));
  var input = el("textarea", {
    id: "aw-input", rows: "1", maxlength: String(MAX_LENGTH), placeholder: t("placeholder"),
    autocomplete: "off"
  });
  var sendButton = el("button", { type: "submit", "class": "aw-send" }, t("send"));
  form.append(label, input, sendButton);
  panel.append(header, list, typing, form);
  root.append(bubble, panel);
  // The greeting and suggested questions, first in the log while the conversation is empty.
  var welcomeNode = el("li", { "class": "aw-welcome" });

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
    var toggle = el("button", { type: "button", "class": "aw-details-toggle", "aria-expanded": "false" }, t("details"));
    var details = el("div", { "class": "aw-details" });
    details.hidden = true;
    var facts = el("dl");
    facts.append(el("dt", {}, t("agent")), el("dd", {}, item.agent || "\u2014"));
    facts.append(el("dt", {}, t("handover")), el("dd", {}, item.handover || t("no_handover")));
    details.append(facts);
    var calls = item.tool_calls || [];
    details.append(el("p", { "class": "aw-tools-title" }, calls.length ? t("tool_calls") : t("no_tool_calls")));
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
      toggle.textContent = open ? t("details") : t("hide_details");
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
    var wrap = el("div", { "class": "aw-feedback", role: "group", "aria-label": t("feedback_question") });
    [["up", t("helpful")], ["down", t("not_helpful")]].forEach(function (choice) {
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
    var who = { user: t("you"), assistant: t("assistant"), staff: t("our_team"), error: t("notice") }[item.role] || "";
    if (item.role === "staff") {
      // A person wrote this, not the assistant: say so visibly.
      li.append(el("span", { "class": "aw-author" }, (item.staff_name ? item.staff_name + " \u00B7 " : "") + t("our_team_person")));
    } else {
      li.append(el("span", { "class": "aw-sr-only" }, who + ": "));
    }
    var text = el("p", { "class": "aw-text" }, item.content);
    // Screen readers read the reply in its own language.
    if (item.language) text.setAttribute("lang", item.language);
    li.append(text);
    if (item.role === "assistant") {
      li.append(detailsFor(item));
      if (item.id) li.append(feedbackFor(item));
    }
    if (welcomeNode.parentNode) welcomeNode.remove();  // the conversation has begun
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
    showWelcome();
  }

  function showTyping(on) {
    typing.hidden = !on;
    if (on) scrollDown();
  }

  var statusKey = "";
  function setStatus(key) {
    statusKey = key;
    statusNode.textContent = key ? t(key) : "";
  }

  function replyItem(frame) {
    return {
      id: frame.id, role: "assistant", content: frame.response, agent: frame.agent,
      handover: frame.handover, tool_calls: frame.tool_calls, language: frame.language
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
    setStatus(attempts ? "reconnecting" : "connecting");
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
    setStatus(attempts > 2 ? "offline" : "reconnecting");
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
        if (frame.field === "language" && hintedText !== null) {
          // The shop does not serve the page's language: send the message again without it.
          var text = hintedText;
          refuseHint();
          hintedText = null;
          if (socket && socket.readyState === WebSocket.OPEN) sendOverSocket(text);
          else sendOverHttp(text);
          break;
        }
        add({ role: "error", content: frame.message || t("error") });
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
    var request = messageBody({ session_id: sessionId, message: text });
    window.fetch(new URL("chat", base).href, {
      method: "POST",
      headers: tokenHeaders(),
      body: JSON.stringify(request),
      credentials: "omit"
    }).then(function (response) {
      keepToken(response.headers.get(TOKEN_HEADER));
      return response.json().catch(function () { return {}; }).then(function (body) {
        showTyping(false);
        if (response.status === 400 && request.language && body.fields && body.fields.language) {
          // The shop does not serve the page's language: send the message again without it.
          refuseHint();
          sendOverHttp(text);
          return;
        }
        if (response.ok) {
          var item = replyItem(body);
          item.id = Number(response.headers.get("X-Message-Id")) || undefined;
          if (item.content) add(item);
        }
        else add({ role: "error", content: body.message || t("error_status").replace("%(status)s", String(response.status)) });
      });
    }).catch(function () {
      showTyping(false);
      add({ role: "error", content: t("unreachable") });
    });
  }

  var hintedText = null;  // the last message sent over the socket with a language hint

  function sendOverSocket(text) {
    var frame = messageBody({ type: "message", message: text });
    hintedText = frame.language ? text : null;
    socket.send(JSON.stringify(frame));
  }

  function send(text) {
    text = text.trim();
    if (!text) return;
    if (text.length > MAX_LENGTH) text = text.slice(0, MAX_LENGTH);
    add({ role: "user", content: text });
    if (socket && socket.readyState === WebSocket.OPEN) {
      sendOverSocket(text);
    } else {
      sendOverHttp(text);
    }
  }

  function start() {
    if (started) return;
    started = true;
    connect();
  }

  // --- the page's language: phrases, greeting, suggested questions ------------------------

  var welcome = null;  // {language, greeting, suggestions} once GET chat/widget-config settled

  function showWelcome() {
    if (!welcome || stored.length || list.querySelector(".aw-msg")) {
      if (welcomeNode.parentNode) welcomeNode.remove();
      return;
    }
    welcomeNode.textContent = "";
    welcomeNode.append(el("p", { "class": "aw-text", lang: welcome.language }, welcome.greeting));
    var choices = el("div", { "class": "aw-suggestions", role: "group", "aria-label": t("suggestions"), lang: welcome.language });
    welcome.suggestions.forEach(function (text) {
      var button = el("button", { type: "button", "class": "aw-suggestion" }, text);
      // Tapping a suggestion sends it as the customer's own message.
      button.addEventListener("click", function () {
        send(text);
        input.focus();
      });
      choices.append(button);
    });
    welcomeNode.append(choices);
    list.prepend(welcomeNode);
  }

  function applyConfig(config) {
    var ok = config && typeof config.greeting === "string" && Array.isArray(config.suggestions);
    if (ok && config.strings) {
      Object.keys(STRINGS).forEach(function (key) {
        if (typeof config.strings[key] === "string") STRINGS[key] = config.strings[key];
      });
    }
    welcome = ok ? {
      language: String(config.language || ""),
      greeting: config.greeting,
      suggestions: config.suggestions.filter(function (s) { return typeof s === "string" && s; })
    } : DEFAULT_WELCOME;
    [bubble, panel].forEach(function (node) { node.setAttribute("lang", welcome.language); });
    bubble.setAttribute("aria-label", t("open_chat"));
    panel.setAttribute("aria-label", title());
    titleNode.textContent = title();
    closeButton.setAttribute("aria-label", t("close_chat"));
    list.setAttribute("aria-label", t("conversation"));
    typingText.textContent = t("typing");
    label.textContent = t("your_message");
    input.setAttribute("placeholder", t("placeholder"));
    sendButton.textContent = t("send");
    setStatus(statusKey);
    // Messages restored from this browser were drawn with the English words: draw them again.
    if (stored.length) replaceAll(stored.slice());
    else showWelcome();
  }

  function loadConfig() {
    var url = new URL("chat/widget-config", base);
    if (pageLanguage) url.searchParams.set("lang", pageLanguage);
    window.fetch(url.href, { headers: { Accept: "application/json" }, credentials: "omit" })
      .then(function (response) {
        if (!response.ok) throw new Error("widget-config " + response.status);
        return response.json();
      })
      .then(applyConfig)
      .catch(function () { applyConfig(null); });
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
    loadConfig();
    // A returning shopper with a conversation gets it (and other tabs' replies) live;
    // a first-time visitor opens no socket until they open the chat.
    if (stored.length) start();
  }
  if (document.body) mount();
  else document.addEventListener("DOMContentLoaded", mount);

  window.__assistantWidget = { open: openPanel, close: closePanel, sessionId: function () { return sessionId; } };
})();
