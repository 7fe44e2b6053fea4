// Updates "Your own words so far" as the supporter edits the letter. The server works out the
// same figure when the form is sent, so the page is complete without this script.
(function () {
  "use strict";
  var form = document.querySelector("form[data-prefill]");
  var output = document.querySelector("[data-share]");
  if (!form || !output) return;
  var body = form.querySelector("textarea");
  var words = function (text) {
    return (text.toLocaleLowerCase().match(/[\p{L}\p{N}_]+(?:['’][\p{L}\p{N}_]+)*/gu) || []);
  };
  var given = words(form.dataset.prefill);

  function commonWords(a, b) {
    // Length of the longest common subsequence of two word lists, two rows at a time.
    var previous = new Array(b.length + 1).fill(0);
    for (var i = 1; i <= a.length; i++) {
      var current = [0];
      for (var j = 1; j <= b.length; j++) {
        current[j] = a[i - 1] === b[j - 1]
          ? previous[j - 1] + 1
          : Math.max(previous[j], current[j - 1]);
      }
      previous = current;
    }
    return previous[b.length];
  }

  var timer;
  function update() {
    var written = words(body.value);
    var share = written.length
      ? Math.round((100 * (written.length - commonWords(given, written))) / written.length)
      : 0;
    output.textContent = share + "%";
  }
  body.addEventListener("input", function () {
    clearTimeout(timer);
    timer = setTimeout(update, 400);
  });
})();
