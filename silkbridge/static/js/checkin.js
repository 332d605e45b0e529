// The check-in desk (templates/events/checkin.html); no inline script: strict CSP.
// Every code typed or scanned goes into a queue kept in localStorage and is posted from
// there; when the network is down the code stays queued and is sent when the browser is
// back online (or on the next try, every 10 seconds). The server answers each code once
// as checked in, then as already checked in, so sending a code twice does no harm.
(function () {
  "use strict";
  var form = document.getElementById("check-in-form");
  if (!form) return;
  var input = form.querySelector("input[name=code]");
  var log = document.getElementById("check-in-log");
  var pending = document.getElementById("check-in-pending");
  var key = "silkbridge-check-in:" + form.action;
  var sending = false;

  function load() {
    try { return JSON.parse(localStorage.getItem(key)) || []; } catch (e) { return []; }
  }
  function save(queue) { localStorage.setItem(key, JSON.stringify(queue)); showPending(queue); }
  function showPending(queue) {
    pending.hidden = queue.length === 0;
    pending.textContent = form.dataset.waiting + " " + queue.join(", ");
  }
  function say(text, result) {
    var item = document.createElement("li");
    item.textContent = text;
    item.className = "check-in-" + result;
    log.insertBefore(item, log.firstChild);
  }
  function post(code) {
    var body = new FormData();
    body.append("code", code);
    body.append("csrfmiddlewaretoken", form.querySelector("[name=csrfmiddlewaretoken]").value);
    return fetch(form.action, {
      method: "POST", body: body, credentials: "same-origin",
      headers: { "Accept": "application/json" },
    });
  }
  function flush() {
    var queue = load();
    if (sending || queue.length === 0) return;
    sending = true;
    post(queue[0]).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    }).then(function (answer) {
      save(load().filter(function (code, i) { return i !== 0 || code !== queue[0]; }));
      say(answer.message, answer.result);
      sending = false;
      flush();
    }).catch(function () {
      sending = false;  // offline or the server failed: the code stays queued
      showPending(load());
    });
  }
  function submit(code) {
    code = code.trim();
    if (!code) return;
    var queue = load();
    queue.push(code);
    save(queue);
    if (!navigator.onLine) say(form.dataset.queued + " (" + code + ")", "queued");
    flush();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    submit(input.value);
    input.value = "";
    input.focus();
  });
  window.addEventListener("online", flush);
  setInterval(flush, 10000);
  showPending(load());
  flush();

  // Scanning with the camera, where the browser has a QR detector (Chrome on Android, ...).
  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  var scan = document.getElementById("scan");
  var video = document.getElementById("camera");
  var last = "";
  scan.hidden = false;
  scan.addEventListener("click", function () {
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } }).then(function (stream) {
      video.srcObject = stream;
      video.hidden = false;
      return video.play();
    }).then(function () {
      setInterval(function () {
        detector.detect(video).then(function (codes) {
          if (codes.length && codes[0].rawValue !== last) {
            last = codes[0].rawValue;  // one submission per badge held up, not one a frame
            submit(last);
          }
        }).catch(function () {});
      }, 400);
    }).catch(function () { say(form.dataset.noCamera, "unknown"); });
  });
})();
