{% load static %}// Parvis service worker: an offline page, no offline data. Pages always come from the network;
// when the network fails for a page, the offline page (cached at install) is shown instead.
const CACHE = "parvis-offline-{{ version }}";
const OFFLINE_URL = "{% url 'offline' %}";
const ASSETS = [OFFLINE_URL, "{% static 'parvis/parvis.css' %}", "{% static 'parvis/icon.svg' %}"];

self.addEventListener("install", (event) => {
  event.waitUntil(caches.open(CACHE).then((cache) => cache.addAll(ASSETS)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (event) => {
  event.waitUntil(
    caches.keys()
      .then((keys) => Promise.all(keys.filter((key) => key !== CACHE).map((key) => caches.delete(key))))
      .then(() => self.clients.claim())
  );
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.mode === "navigate") {
    event.respondWith(fetch(request).catch(() => caches.match(OFFLINE_URL)));
    return;
  }
  if (request.method === "GET" && ASSETS.includes(new URL(request.url).pathname)) {
    event.respondWith(fetch(request).catch(() => caches.match(request)));
  }
});
