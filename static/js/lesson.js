/* Lesson page: record "read to the end" when the end of the lesson comes into view, and grade
   knowledge checks in place. Plain JavaScript, no build step. Without JavaScript the same forms
   post normally and the server answers with a page. */
(function () {
  "use strict";

  function csrfToken(form) {
    var input = (form || document).querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }

  function post(url, body, token) {
    return fetch(url, {
      method: "POST",
      body: body,
      credentials: "same-origin",
      headers: { Accept: "application/json", "X-CSRFToken": token },
    }).then(function (response) {
      return response.json().then(function (data) {
        if (!response.ok) {
          throw new Error(data.error || "Something went wrong. Please try again.");
        }
        return data;
      });
    });
  }

  function showProgress(data) {
    if (!data.recorded) return;
    ["course", "module"].forEach(function (kind) {
      var percent = data[kind + "_percent"];
      if (percent === undefined || percent === null) return;
      document.querySelectorAll('[data-progress="' + kind + '"]').forEach(function (meter) {
        var bar = meter.querySelector("progress");
        var text = meter.querySelector("[data-percent]");
        var done = meter.querySelector("[data-done]");
        if (bar) {
          bar.value = percent;
          bar.textContent = percent + "%";
        }
        if (text) text.textContent = String(percent);
        if (done) done.textContent = String(data[kind + "_done"]);
      });
    });
    var status = document.getElementById("lesson-status");
    if (status && data.status_text) {
      status.textContent = data.status_text;
      status.classList.toggle("status-complete", !!data.lesson_complete);
    }
  }

  /* --- Read to the end ---------------------------------------------------------------------- */
  var end = document.getElementById("lesson-end");
  var readUrl = end && end.getAttribute("data-read-url");
  var readSent = end && end.getAttribute("data-read") === "true";

  function markRead() {
    if (readSent || !readUrl) return;
    readSent = true;
    var form = end.querySelector("[data-read-form]");
    post(readUrl, new FormData(), csrfToken())
      .then(function (data) {
        showProgress(data);
        if (form) form.hidden = true;
        end.setAttribute("data-read", "true");
      })
      .catch(function () {
        readSent = false; /* the button still works */
      });
  }

  if (end && readUrl && !readSent) {
    var form = end.querySelector("[data-read-form]");
    if (form) {
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        markRead();
      });
    }
    if ("IntersectionObserver" in window) {
      var observer = new IntersectionObserver(function (entries) {
        entries.forEach(function (entry) {
          if (entry.isIntersecting) {
            observer.disconnect();
            markRead();
          }
        });
      });
      observer.observe(end);
    }
  }

  /* --- Knowledge checks --------------------------------------------------------------------- */
  function showCheck(form, data) {
    form.querySelectorAll(".check-option").forEach(function (option) {
      option.classList.remove("is-correct", "is-incorrect");
      var feedback = option.querySelector("[data-feedback]");
      if (feedback) feedback.textContent = "";
    });
    data.questions.forEach(function (answer, qi) {
      if (answer.chosen === null) return;
      var input = form.querySelector('input[name="q' + qi + '"][value="' + answer.chosen + '"]');
      var option = input && input.closest(".check-option");
      if (!option) return;
      option.classList.add(answer.correct ? "is-correct" : "is-incorrect");
      var feedback = option.querySelector("[data-feedback]");
      if (feedback) {
        var verdict = document.createElement("strong");
        verdict.textContent = answer.correct ? "Correct." : "Not quite.";
        feedback.appendChild(verdict);
        // Editors often open the feedback with the verdict itself: say it once.
        var text = (answer.feedback || "").trim();
        if (text.toLowerCase().indexOf(verdict.textContent.toLowerCase()) === 0) {
          text = text.slice(verdict.textContent.length).trim();
        }
        feedback.appendChild(document.createTextNode(" " + text));
      }
    });
    var result = form.querySelector("[data-check-result]");
    if (result) {
      result.textContent = data.passed
        ? "Passed: you scored " + data.score + "% (the pass mark is " + data.pass_mark + "%)."
        : "You scored " + data.score + "%; the pass mark is " + data.pass_mark +
          "%. Read the feedback and try again.";
    }
    form.closest(".knowledge-check").classList.toggle("is-passed", data.passed);
  }

  document.querySelectorAll("[data-check-form]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (!form.getAttribute("action")) return;
      event.preventDefault();
      var button = form.querySelector("button[type=submit]");
      if (button) button.disabled = true;
      post(form.getAttribute("action"), new FormData(form), csrfToken(form))
        .then(function (data) {
          showCheck(form, data);
          showProgress(data);
        })
        .catch(function (error) {
          var result = form.querySelector("[data-check-result]");
          if (result) result.textContent = error.message;
        })
        .finally(function () {
          if (button) button.disabled = false;
        });
    });
  });
})();
