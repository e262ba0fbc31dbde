// Staff pages: copy buttons.
(function () {
  "use strict";
  document.querySelectorAll("button.copy").forEach(function (button) {
    button.addEventListener("click", function () {
      var input = document.querySelector(button.dataset.copy);
      input.select();
      // The page gives the word in its language (data-copied); English without it.
      var done = function () { button.textContent = button.dataset.copied || "Copied"; };
      if (navigator.clipboard) {
        navigator.clipboard.writeText(input.value).then(done, function () {
          document.execCommand("copy"); done();
        });
      } else { document.execCommand("copy"); done(); }
    });
  });
})();

// Export progress: poll the job until it is done or failed.
(function () {
  "use strict";
  var box = document.getElementById("job");
  if (!box) return;
  var poll = function () {
    fetch(box.dataset.statusUrl, {credentials: "same-origin"}).then(function (res) {
      return res.json();
    }).then(function (job) {
      document.getElementById("job-progress").value = job.done;
      document.getElementById("job-done").textContent = job.done;
      if (job.state === "done") {
        document.getElementById("job-state").textContent = "Ready.";
        document.getElementById("job-download").classList.remove("hidden");
      } else if (job.state === "failed") {
        document.getElementById("job-state").textContent = "The export failed: " + job.error;
      } else {
        document.getElementById("job-state").textContent = job.message;
        setTimeout(poll, 1000);
      }
    }).catch(function () { setTimeout(poll, 3000); });
  };
  poll();
})();
