// After a refused save or submit, move the focus to the error summary so that keyboard and
// screen-reader users start from the list of what to fix.
(function () {
  var summary = document.getElementById("error-summary");
  if (summary) {
    summary.focus();
  }
})();
