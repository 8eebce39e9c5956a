// Offline search over items and indicators. The index is a script that
// sets window.GYOKAKU_SEARCH (so it loads from file:// too). Without
// JavaScript the search box stays hidden and every page still works.
(function () {
  "use strict";
  var box = document.getElementById("search");
  var index = window.GYOKAKU_SEARCH;
  if (!box || !index) { return; }
  box.hidden = false;
  var input = document.getElementById("q");
  var out = document.getElementById("search-results");
  var up = box.getAttribute("data-up") || "";
  var none = box.getAttribute("data-none") || "";
  function norm(s) {
    return s.normalize("NFKC").toLowerCase();
  }
  input.addEventListener("input", function () {
    var q = norm(input.value.trim());
    out.textContent = "";
    if (q.length === 0) { return; }
    var hits = index.filter(function (e) { return norm(e[0]).indexOf(q) >= 0; }).slice(0, 20);
    if (hits.length === 0) {
      var p = document.createElement("p");
      p.textContent = none;
      out.appendChild(p);
      return;
    }
    var ul = document.createElement("ul");
    hits.forEach(function (e) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = up + e[1];
      a.textContent = e[0];
      a.lang = "ja";
      li.appendChild(a);
      li.appendChild(document.createTextNode(" (" + e[2] + ")"));
      ul.appendChild(li);
    });
    out.appendChild(ul);
  });
})();
