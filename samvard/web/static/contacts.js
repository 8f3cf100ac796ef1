// Live chat for a contact: new messages arrive by Server-Sent Events and are posted with
// fetch. Without this script the chat still works as a plain form that reloads the page.
(function () {
  "use strict";
  var log = document.querySelector(".chat-log[data-stream]");
  if (!log || !window.EventSource) { return; }
  var form = document.querySelector(".chat-form");
  var statusLine = form ? form.querySelector(".chat-status") : null;

  function has(seq) { return log.querySelector('[data-seq="' + seq + '"]') !== null; }

  function show(m) {
    if (has(m.seq)) { return; }
    var li = document.createElement("li");
    li.className = "msg msg-" + m.sender_kind;
    li.setAttribute("data-seq", String(m.seq));
    var who = document.createElement("span");
    who.className = "msg-who";
    who.textContent = m.sender;
    var at = document.createElement("span");
    at.className = "msg-at muted";
    at.textContent = m.at;
    var body = document.createElement("p");
    body.className = "msg-body";
    body.textContent = m.body;
    li.append(who, " ", at, body);
    log.appendChild(li);
    log.scrollTop = log.scrollHeight;
  }

  var source = new EventSource(log.getAttribute("data-stream"));
  source.addEventListener("message", function (event) { show(JSON.parse(event.data)); });
  source.addEventListener("status", function (event) {
    var data = JSON.parse(event.data);
    document.querySelectorAll("[data-contact-status]").forEach(function (el) {
      el.textContent = data.label;
    });
    if (data.status !== "waiting") {
      document.querySelectorAll("[data-queue-place]").forEach(function (el) { el.hidden = true; });
    }
  });
  source.addEventListener("closed", function () {
    source.close();
    if (form) { form.hidden = true; }
  });
  log.scrollTop = log.scrollHeight;

  if (!form) { return; }
  function newId() {
    return window.crypto && crypto.randomUUID ? crypto.randomUUID() : String(Date.now()) + Math.random();
  }
  form.addEventListener("submit", function (event) {
    event.preventDefault();
    var text = form.querySelector("textarea");
    if (!text.value.trim()) { return; }
    // The same client_id is kept until the post succeeds, so a retry is stored once.
    var data = new FormData(form);
    statusLine.textContent = "Skickar …";
    fetch(form.action, {
      method: "POST", body: data, credentials: "same-origin",
      headers: { "Accept": "application/json" }
    }).then(function (response) {
      if (!response.ok) { throw new Error(String(response.status)); }
      text.value = "";
      form.querySelector('[name="client_id"]').value = newId();
      statusLine.textContent = "";
    }).catch(function () {
      statusLine.textContent = "Meddelandet kunde inte skickas. Försök igen.";
    });
  });
})();
