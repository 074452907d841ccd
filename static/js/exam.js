/* The exam page: one question at a time, every answer saved as it is chosen (retried with
 * backoff while the network is down), and the server's clock shown, announced at 10, 5 and 1
 * minutes, and hideable. Without JavaScript the form still works: all questions on one page, a
 * "Save my answers" button, and "Submit". The page never holds the keys. */
(function () {
  "use strict";

  var form = document.getElementById("exam-form");
  if (!form) return;

  // Start answers with this page itself (one request): show the attempt's own address, so that
  // a reload or a bookmark comes back here rather than to Start.
  if (form.dataset.attemptUrl && window.location.pathname !== form.dataset.attemptUrl) {
    window.history.replaceState(null, "", form.dataset.attemptUrl);
  }

  var answerUrl = form.dataset.answerUrl;
  var resultUrl = form.dataset.resultUrl;
  var items = Array.prototype.slice.call(form.querySelectorAll(".exam-item"));
  var statusEl = document.getElementById("save-status");
  var announcer = document.getElementById("timer-announcer");
  var timerValue = document.getElementById("timer-value");
  var timerToggle = document.getElementById("timer-toggle");
  var submitButton = document.getElementById("exam-submit");
  var navButtons = Array.prototype.slice.call(form.querySelectorAll(".exam-goto"));
  var current = Math.min(parseInt(form.dataset.position, 10) || 0, items.length - 1);

  // --- saving -----------------------------------------------------------------------------
  var pending = new Map(); // position -> the latest choice not yet confirmed by the server
  var inFlight = false;
  var retryDelay = 1000;
  var retryTimer = null;
  var closed = false;
  var MAX_DELAY = 5000;

  function setStatus(text, state) {
    statusEl.textContent = text;
    statusEl.dataset.state = state || "";
  }

  function csrfToken() {
    var match = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (match) return decodeURIComponent(match[1]);
    return form.querySelector("input[name=csrfmiddlewaretoken]").value;
  }

  function choiceOf(item) {
    return Array.prototype.slice
      .call(item.querySelectorAll("input:checked"))
      .map(function (input) { return input.value; });
  }

  function sameChoice(a, b) {
    return a && b && a.length === b.length && a.every(function (v, i) { return v === b[i]; });
  }

  function markAnswered(position) {
    var item = items[position];
    var button = navButtons[position];
    if (!button) return;
    var answered = choiceOf(item).length > 0;
    button.classList.toggle("is-answered", answered);
    button.setAttribute(
      "aria-label", "Question " + (position + 1) + (answered ? ", answered" : "")
    );
  }

  function post(body) {
    return fetch(answerUrl, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(body),
    });
  }

  function retryLater() {
    setStatus("Not saved, retrying…", "retrying");
    clearTimeout(retryTimer);
    retryTimer = setTimeout(flush, retryDelay);
    retryDelay = Math.min(retryDelay * 2, MAX_DELAY);
  }

  function refused(message, isClosed) {
    pending.clear();
    setStatus("Not saved: " + message, "refused");
    if (isClosed) {
      closed = true;
      setTimeout(function () { window.location.assign(resultUrl); }, 2500);
    }
  }

  function flush() {
    if (inFlight || closed || pending.size === 0) return;
    clearTimeout(retryTimer);
    var entry = pending.entries().next().value;
    var position = entry[0];
    var choice = entry[1];
    inFlight = true;
    setStatus("Saving…", "saving");
    post({ position: position, choice: choice })
      .then(function (response) {
        return response.json().catch(function () { return {}; }).then(function (data) {
          return { status: response.status, data: data };
        });
      })
      .then(function (result) {
        inFlight = false;
        if (result.status === 200 && result.data.saved) {
          if (sameChoice(pending.get(position), choice)) pending.delete(position);
          retryDelay = 1000;
          if (typeof result.data.remaining_seconds === "number") {
            syncClock(result.data.remaining_seconds);
          }
          if (pending.size) flush();
          else setStatus("Saved", "saved");
        } else if (result.status >= 500 || result.status === 0) {
          retryLater();
        } else {
          refused(result.data.message || "the server refused this answer.", !!result.data.closed);
        }
      })
      .catch(function () {
        inFlight = false;
        retryLater();
      });
  }

  form.addEventListener("change", function (event) {
    var item = event.target.closest(".exam-item");
    if (!item || closed) return;
    var position = parseInt(item.dataset.position, 10);
    pending.set(position, choiceOf(item));
    markAnswered(position);
    resetSubmit();
    flush();
  });

  window.addEventListener("online", function () {
    retryDelay = 1000;
    flush();
  });
  window.addEventListener("beforeunload", function (event) {
    if (pending.size && !closed && !submitting) {
      event.preventDefault();
      event.returnValue = "";
    }
  });

  // --- one question at a time --------------------------------------------------------------
  var prev = document.getElementById("exam-prev");
  var next = document.getElementById("exam-next");

  function show(position, remember) {
    current = Math.max(0, Math.min(position, items.length - 1));
    items.forEach(function (item, i) { item.hidden = i !== current; });
    navButtons.forEach(function (button, i) {
      if (i === current) button.setAttribute("aria-current", "step");
      else button.removeAttribute("aria-current");
    });
    prev.disabled = current === 0;
    next.disabled = current === items.length - 1;
    if (remember) {
      post({ position: current }).catch(function () { /* only the place; the next save keeps it */ });
    }
  }

  function focusQuestion() {
    var legend = items[current].querySelector("legend");
    legend.setAttribute("tabindex", "-1");
    legend.focus();
  }

  prev.addEventListener("click", function () { show(current - 1, true); focusQuestion(); });
  next.addEventListener("click", function () { show(current + 1, true); focusQuestion(); });
  navButtons.forEach(function (button) {
    button.addEventListener("click", function () {
      show(parseInt(button.dataset.goto, 10), true);
      focusQuestion();
    });
  });
  form.querySelector(".exam-nav").hidden = false;
  form.querySelector(".exam-steps").hidden = false;
  show(current, false);

  // --- submitting --------------------------------------------------------------------------
  var submitting = false;
  var confirmArmed = false;

  function unanswered() {
    return items.filter(function (item) { return choiceOf(item).length === 0; }).length;
  }

  function resetSubmit() {
    if (!confirmArmed) return;
    confirmArmed = false;
    submitButton.textContent = "Submit the exam";
  }

  function submitNow(reason) {
    submitting = true;
    // Post only the answers the server has not confirmed; saved ones are already there.
    items.forEach(function (item, position) {
      var keep = pending.has(position);
      Array.prototype.forEach.call(item.querySelectorAll("input"), function (input) {
        input.disabled = !keep;
      });
    });
    var action = document.createElement("input");
    action.type = "hidden";
    action.name = "action";
    action.value = reason || "submit";
    form.appendChild(action);
    form.submit();
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (submitting) return;
    var left = unanswered();
    if (left && !confirmArmed) {
      confirmArmed = true;
      setStatus(
        left + " question" + (left === 1 ? " is" : "s are") +
          " unanswered. Press “Submit anyway” to submit now.",
        "confirm"
      );
      submitButton.textContent = "Submit anyway";
      submitButton.focus();
      return;
    }
    submitNow();
  });

  // --- the clock ---------------------------------------------------------------------------
  var endsAt = 0;
  var announced = {};
  var THRESHOLDS = [600, 300, 60];

  function syncClock(remainingSeconds) {
    endsAt = performance.now() + remainingSeconds * 1000;
    THRESHOLDS.forEach(function (t) { if (remainingSeconds <= t) announced[t] = true; });
  }

  function label(seconds) {
    var h = Math.floor(seconds / 3600);
    var m = Math.floor((seconds % 3600) / 60);
    var s = seconds % 60;
    var mm = (h && m < 10 ? "0" : "") + m;
    return (h ? h + ":" : "") + mm + ":" + (s < 10 ? "0" : "") + s;
  }

  function tick() {
    var left = Math.max(0, Math.round((endsAt - performance.now()) / 1000));
    timerValue.textContent = label(left);
    THRESHOLDS.forEach(function (t) {
      if (left <= t && !announced[t]) {
        announced[t] = true;
        var minutes = t / 60;
        announcer.textContent = minutes + " minute" + (minutes === 1 ? "" : "s") + " left.";
      }
    });
    if (left === 0 && !submitting && !closed) {
      announcer.textContent = "Time is up. Your saved answers are being submitted.";
      setStatus("Time is up: submitting your saved answers…", "closing");
      submitNow("timeout");
      return;
    }
    setTimeout(tick, 1000 - (performance.now() % 1000));
  }

  var initial = parseInt(form.dataset.remaining, 10) || 0;
  endsAt = performance.now() + initial * 1000;
  // Thresholds already passed when the page opened are not announced again.
  THRESHOLDS.forEach(function (t) { if (initial < t) announced[t] = true; });
  tick();

  var HIDE_KEY = "exam-timer-hidden";
  function setTimerHidden(hidden) {
    timerValue.hidden = hidden;
    timerToggle.setAttribute("aria-pressed", hidden ? "true" : "false");
    timerToggle.textContent = hidden ? "Show timer" : "Hide timer";
    try { window.localStorage.setItem(HIDE_KEY, hidden ? "1" : ""); } catch (e) { /* private mode */ }
  }
  timerToggle.hidden = false;
  timerToggle.addEventListener("click", function () { setTimerHidden(!timerValue.hidden); });
  try { setTimerHidden(window.localStorage.getItem(HIDE_KEY) === "1"); } catch (e) { setTimerHidden(false); }
})();
