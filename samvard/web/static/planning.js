// Upload of a monthly report with a progress bar. htmx posts the form and reports the bytes
// sent; this script moves the bar and lets the server's answer replace the result area also
// when the file is refused (4xx). Without scripts the form posts as usual and the server
// answers with a whole page.
(function () {
  "use strict";
  var form = document.querySelector("form.upload-form");
  if (!form || !window.htmx) { return; }
  var box = document.getElementById("upload-progress");
  var bar = box ? box.querySelector("progress") : null;
  var text = box ? box.querySelector("[data-progress-text]") : null;
  var result = document.getElementById("upload-result");
  var limit = parseInt(form.getAttribute("data-max-bytes") || "0", 10);

  function say(message) {
    if (text) { text.textContent = message; }
  }

  function refuse(message) {
    if (box) { box.hidden = true; }
    result.innerHTML = "";
    var p = document.createElement("p");
    p.className = "error";
    p.setAttribute("role", "alert");
    p.textContent = message;
    result.appendChild(p);
  }

  function megabytes(bytes) {
    return (bytes / 1000000).toLocaleString("sv-SE", { maximumFractionDigits: 1 }) + " MB";
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
  });

  // htmx reports the upload and then the download of the answer the same way; the bar only
  // moves forward, so the answer's own progress does not start it over.
  form.addEventListener("htmx:xhr:progress", function (event) {
    if (!bar || !event.detail.lengthComputable || !event.detail.total) { return; }
    var percent = Math.max(bar.value, Math.round(event.detail.loaded / event.detail.total * 100));
    bar.value = percent;
    say(percent < 100 ? "Skickat " + percent + " %" : "Filen är skickad. Kontrollerar raderna …");
  });

  // htmx announces the swap on its target, the result area (outside the form).
  result.addEventListener("htmx:beforeSwap", function (event) {
    var status = event.detail.xhr.status;
    if (status === 413) {
      event.detail.shouldSwap = false;
      refuse("Filen är för stor för att tas emot. Dela upp den eller spara den som XLSX.");
      return;
    }
    if (status >= 400 && status < 500) {
      // The refusal is a page fragment with every problem: show it like an answer.
      event.detail.shouldSwap = true;
      event.detail.isError = false;
    }
  });

  form.addEventListener("htmx:afterRequest", function (event) {
    if (box) { box.hidden = true; }
    if (!event.detail.successful && event.detail.xhr && event.detail.xhr.status >= 500) {
      refuse("Något gick fel när filen togs emot. Inget har ändrats. Försök igen.");
    }
    var heading = result.querySelector("h2");
    if (heading) { heading.setAttribute("tabindex", "-1"); heading.focus(); }
  });
})();
