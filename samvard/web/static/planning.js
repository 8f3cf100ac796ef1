// Upload of a monthly report with a progress bar. htmx posts the form and reports the bytes
// sent, which move the first bar. The server answers as soon as the file has arrived, with
// the reading in as a job: its fragment polls itself every half second (the step and how far
// it has come) and is finally replaced by the receipt or the list of every problem. This
// script moves the sending bar, shows refusals as one message and moves focus to the answer.
// Without scripts the form posts as usual and the server answers with a whole page.
(function () {
  "use strict";
  var form = document.querySelector("form.upload-form");
  if (!form || !window.htmx) { return; }
  var box = document.getElementById("upload-progress");
  var bar = box ? box.querySelector("progress") : null;
  var text = box ? box.querySelector("[data-progress-text]") : null;
  var result = document.getElementById("upload-result");
  var limit = parseInt(form.getAttribute("data-max-bytes") || "0", 10);
  var TRY_AGAIN = "Något gick fel när filen togs emot. Inget har ändrats. Försök igen.";

  function say(message) {
    if (text) { text.textContent = message; }
  }

  function refuse(message) {
    if (box) { box.hidden = true; }
    result.removeAttribute("aria-busy");
    result.innerHTML = "";
    var p = document.createElement("p");
    p.className = "error";
    p.setAttribute("role", "alert");
    p.textContent = message;
    result.appendChild(p);
  }

  // Binary megabytes, as the page's limit and file managers show sizes.
  function megabytes(bytes) {
    return (bytes / 1048576).toLocaleString("sv-SE", { maximumFractionDigits: 1 }) + " MB";
  }

  // An error answer is a whole page with the layout; its message is what the user needs.
  function messageOf(html) {
    var page = new DOMParser().parseFromString(html || "", "text/html");
    var found = page.querySelector("main .error") || page.querySelector(".error");
    return found ? found.textContent.trim() : "";
  }

  form.addEventListener("htmx:confirm", function (event) {
    var input = form.querySelector("input[type=file]");
    var file = input && input.files ? input.files[0] : null;
    if (file && limit && file.size > limit) {
      event.preventDefault();
      refuse("Filen är " + megabytes(file.size) + ". Den får vara högst " + megabytes(limit) +
        ". Dela upp den eller spara den som XLSX, som är mindre.");
    }
  });

  form.addEventListener("htmx:beforeRequest", function () {
    if (box) { box.hidden = false; }
    if (bar) { bar.value = 0; }
    say("Skickar filen …");
    result.innerHTML = "";
    // Screen readers wait for the answer instead of reading every step of the bar.
    result.setAttribute("aria-busy", "true");
  });

  // htmx reports the upload and then the download of the answer the same way; the bar only
  // moves forward, so the answer's own progress does not start it over.
  form.addEventListener("htmx:xhr:progress", function (event) {
    if (!bar || !event.detail.lengthComputable || !event.detail.total) { return; }
    var percent = Math.max(bar.value, Math.round(event.detail.loaded / event.detail.total * 100));
    bar.value = percent;
    say(percent < 100 ? "Skickat " + percent + " %" : "Filen är skickad. Väntar på svar …");
  });

  form.addEventListener("htmx:afterRequest", function (event) {
    if (box) { box.hidden = true; }
    if (event.detail.xhr && event.detail.xhr.status === 0) {
      refuse("Anslutningen bröts innan filen kom fram. Inget har ändrats. Försök igen.");
    }
  });

  // htmx announces each swap on its target: the result area, or the polling job inside it.
  result.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status < 400) { return; }
    event.detail.shouldSwap = false;
    if (status === 413) {
      refuse("Filen är för stor för att tas emot. Dela upp den eller spara den som XLSX.");
    } else {
      refuse(messageOf(event.detail.xhr.responseText) || TRY_AGAIN);
    }
  });

  // Every new piece of the result area: while the job runs there is nothing to announce;
  // the receipt or the problems get the focus, so they are read at once.
  result.addEventListener("htmx:load", function () {
    if (result.querySelector("[data-upload-job]")) { return; }
    result.removeAttribute("aria-busy");
    var heading = result.querySelector("h2");
    if (heading && document.activeElement !== heading) {
      heading.setAttribute("tabindex", "-1");
      heading.focus();
    }
  });
})();
