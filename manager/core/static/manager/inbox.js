// New messages appear at the top of the open inbox without a reload: every
// POLL_MS the page asks for the rows newer than its newest one.
(function () {
  "use strict";
  var POLL_MS = 5000;
  var list = document.getElementById("rows");
  if (!list || !list.dataset.live) { return; }
  function poll() {
    var query = list.dataset.query ? list.dataset.query + "&" : "";
    var url = "?" + query + "after=" + encodeURIComponent(list.dataset.newest || "");
    fetch(url, { credentials: "same-origin", headers: { "X-Requested-With": "fetch" } })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        var holder = document.createElement("ol");
        holder.innerHTML = html;
        var fresh = holder.querySelectorAll("li.row");
        if (!fresh.length) { return; }
        list.dataset.newest = fresh[0].dataset.cursor;
        for (var i = fresh.length - 1; i >= 0; i--) {
          fresh[i].classList.add("fresh");
          list.insertBefore(fresh[i], list.firstChild);
        }
        var empty = document.querySelector(".empty");
        if (empty) { empty.remove(); }
      })
      .catch(function () {})
      .then(function () { window.setTimeout(poll, POLL_MS); });
  }
  window.setTimeout(poll, POLL_MS);
})();
