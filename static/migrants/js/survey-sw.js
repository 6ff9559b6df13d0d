// Service worker of the survey capture pages (served from /migrants/surveys/sw.js so
// that its scope covers them). It keeps each capture page and the static files it uses,
// so that a surveyor can open the page again in a village with no network.
// Pages: network first (fresh data and CSRF token when online), the kept copy offline
// or when the network does not answer in time. Static files: the kept copy first.
"use strict";

var CACHE = "shram-survey-v1";
var STATIC_PREFIX = new URL(self.location.href).searchParams.get("static") || "/static/";
var NETWORK_WAIT_MS = 6000;  // a page on a very slow network falls back to the kept copy

self.addEventListener("install", function () { self.skipWaiting(); });

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name.indexOf("shram-survey-") === 0 && name !== CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(function () { return self.clients.claim(); }));
});

function isCapturePage(url) {
  return /\/capture\/$/.test(url.pathname);
}

function keep(request, response) {
  if (response && response.ok && !response.redirected && response.type === "basic") {
    var copy = response.clone();
    caches.open(CACHE).then(function (cache) { cache.put(request, copy); });
  }
  return response;
}

// The page asks to keep itself and its files (their URLs carry the static files' hashes).
self.addEventListener("message", function (event) {
  var data = event.data || {};
  if (data.type !== "cache" || !Array.isArray(data.urls)) { return; }
  var urls = data.urls.filter(function (u) {
    try { return new URL(u, self.location.href).origin === self.location.origin; }
    catch (e) { return false; }
  });
  event.waitUntil(caches.open(CACHE).then(function (cache) {
    return Promise.all(urls.map(function (u) {
      var url = new URL(u, self.location.href);
      return cache.match(url.href).then(function (hit) {
        if (hit && url.pathname.indexOf(STATIC_PREFIX) === 0) { return null; }
        return fetch(url.href, {credentials: "same-origin"}).then(function (response) {
          if (response.ok && !response.redirected) { return cache.put(url.href, response); }
          return null;
        }).catch(function () { return null; });
      });
    }));
  }));
});

self.addEventListener("fetch", function (event) {
  var request = event.request;
  if (request.method !== "GET") { return; }
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }

  if (request.mode === "navigate" && isCapturePage(url)) {
    var key = url.origin + url.pathname;
    event.respondWith(new Promise(function (resolve) {
      var done = false;
      function fallback() {
        caches.match(key).then(function (hit) {
          if (hit && !done) { done = true; resolve(hit); }
        });
      }
      var timer = setTimeout(fallback, NETWORK_WAIT_MS);
      fetch(request).then(function (response) {
        clearTimeout(timer);
        keep(key, response);
        if (!done) { done = true; resolve(response); }
      }).catch(function () {
        clearTimeout(timer);
        caches.match(key).then(function (hit) {
          if (!done) { done = true; resolve(hit || Response.error()); }
        });
      });
    }));
    return;
  }

  if (url.pathname.indexOf(STATIC_PREFIX) === 0) {
    event.respondWith(caches.match(request).then(function (hit) {
      return hit || fetch(request).then(function (response) { return keep(request, response); });
    }));
  }
});
