/* The header's search box, enhanced: suggestions as you type (a list of links under the box,
   announced by a live region). Without JavaScript the form simply opens /recherche/. */
(function () {
  "use strict";
  var form = document.querySelector("form.search-box[data-suggestions]");
  if (!form || !window.fetch) { return; }
  var input = form.querySelector("input[name=q]");
  var endpoint = form.getAttribute("data-suggestions");
  var lang = document.documentElement.lang || "fr";
  var text = lang.indexOf("fr") === 0
    ? { none: "Aucune suggestion.", some: " suggestions. Flèche bas pour les parcourir.", one: " suggestion. Flèche bas pour la parcourir.", all: "Tous les résultats pour « ", label: "Suggestions" }
    : { none: "No suggestion.", some: " suggestions. Arrow down to browse them.", one: " suggestion. Arrow down to browse it.", all: "All the results for “", label: "Suggestions" };
  var panel = document.createElement("div");
  panel.className = "search-suggestions";
  panel.id = "search-suggestions";
  panel.hidden = true;
  var status = document.createElement("p");
  status.className = "visually-hidden";
  status.setAttribute("role", "status");
  form.appendChild(panel);
  form.appendChild(status);
  input.setAttribute("aria-controls", panel.id);
  var timer = null;
  var controller = null;
  var last = "";

  function close() {
    panel.hidden = true;
  }

  function links() { return Array.prototype.slice.call(panel.querySelectorAll("a")); }

  function show(data) {
    panel.textContent = "";
    var count = 0;
    var nav = document.createElement("nav");
    nav.setAttribute("aria-label", text.label);
    data.groups.forEach(function (group) {
      var heading = document.createElement("p");
      heading.className = "search-suggestions-type";
      heading.textContent = group.label;
      var list = document.createElement("ul");
      group.results.forEach(function (result) {
        var item = document.createElement("li");
        var link = document.createElement("a");
        link.href = result.url;
        link.textContent = result.title;
        item.appendChild(link);
        if (result.detail) {
          var detail = document.createElement("span");
          detail.className = "search-detail";
          detail.textContent = " " + result.detail;
          item.appendChild(detail);
        }
        list.appendChild(item);
        count += 1;
      });
      nav.appendChild(heading);
      nav.appendChild(list);
    });
    var all = document.createElement("a");
    all.href = data.url;
    all.className = "search-suggestions-all";
    all.textContent = text.all + data.q + (lang.indexOf("fr") === 0 ? " »" : "”");
    nav.appendChild(all);
    panel.appendChild(nav);
    panel.hidden = false;
    status.textContent = count === 0 ? text.none : count + (count === 1 ? text.one : text.some);
  }

  function fetchSuggestions() {
    var q = input.value.trim();
    if (q === last) { return; }
    last = q;
    if (q.length < 2) { close(); status.textContent = ""; return; }
    if (controller) { controller.abort(); }
    controller = window.AbortController ? new AbortController() : null;
    fetch(endpoint + "?q=" + encodeURIComponent(q), {
      headers: { Accept: "application/json" },
      credentials: "same-origin",
      signal: controller ? controller.signal : undefined
    }).then(function (response) {
      if (!response.ok) { throw new Error(response.status); }
      return response.json();
    }).then(function (data) {
      if (input.value.trim() === q) { show(data); }
    }).catch(function () { /* the form still works: Enter opens the search page */ });
  }

  input.addEventListener("input", function () {
    window.clearTimeout(timer);
    timer = window.setTimeout(fetchSuggestions, 200);
  });
  input.addEventListener("keydown", function (event) {
    if (event.key === "ArrowDown" && !panel.hidden) {
      var first = links()[0];
      if (first) { event.preventDefault(); first.focus(); }
    } else if (event.key === "Escape") {
      close();
    }
  });
  panel.addEventListener("keydown", function (event) {
    var items = links();
    var index = items.indexOf(document.activeElement);
    if (event.key === "ArrowDown" && index < items.length - 1) {
      event.preventDefault(); items[index + 1].focus();
    } else if (event.key === "ArrowUp") {
      event.preventDefault();
      if (index <= 0) { input.focus(); } else { items[index - 1].focus(); }
    } else if (event.key === "Escape") {
      close(); input.focus();
    }
  });
  document.addEventListener("click", function (event) {
    if (!form.contains(event.target)) { close(); }
  });
  form.addEventListener("focusout", function () {
    window.setTimeout(function () {
      if (!form.contains(document.activeElement)) { close(); }
    }, 0);
  });
}());
