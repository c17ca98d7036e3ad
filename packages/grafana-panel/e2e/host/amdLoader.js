/*
 * A minimal AMD loader with the semantics of SystemJS' AMD extra (systemjs/dist/extras/amd.js), which is what
 * Grafana loads plugin modules with:
 * - a plugin's dist/module.js is fetched by URL and calls an anonymous `define([...deps], factory)`;
 * - each dependency is a module Grafana shares ("react", "@grafana/data", …); a shared module marked
 *   `__useDefault` is passed as its `default` (Grafana does that for lodash and moment);
 * - the special dependencies "exports", "module" and "require" get the module's own objects;
 * - the factory's return value, if any, becomes the module's exports.
 * An unknown dependency fails the load loudly, naming it: a plugin that needs something Grafana does not
 * share would fail the same way in Grafana.
 */
(function () {
  'use strict';
  let shared = Object.create(null);
  let pending = null;

  function define(name, deps, factory) {
    if (typeof name !== 'string') {
      factory = deps;
      deps = name;
      name = null;
    }
    if (!Array.isArray(deps)) {
      factory = deps;
      deps = [];
    }
    if (name !== null) {
      throw new Error('named define("' + name + '") is not how Grafana plugins are built');
    }
    if (pending !== null) {
      throw new Error('two anonymous define() calls from one script');
    }
    pending = { deps: deps, factory: factory };
  }
  define.amd = {};

  function unsupportedRequire() {
    throw new Error("AMD require() is not supported (nor by SystemJS' AMD extra)");
  }

  /** Loads an AMD module by URL; resolves with its exports. */
  function importModule(url) {
    return new Promise(function (resolve, reject) {
      let script = document.createElement('script');
      script.src = url;
      script.async = true;
      script.onerror = function () {
        reject(new Error('failed to load ' + url));
      };
      script.onload = function () {
        let def = pending;
        pending = null;
        if (def === null) {
          reject(new Error(url + ' did not call define()'));
          return;
        }
        try {
          let exports = {};
          let module = { exports: exports, id: url, uri: url };
          let missing = [];
          let args = def.deps.map(function (dep) {
            if (dep === 'exports') {
              return exports;
            }
            if (dep === 'module') {
              return module;
            }
            if (dep === 'require') {
              return unsupportedRequire;
            }
            if (!(dep in shared)) {
              missing.push(dep);
              return undefined;
            }
            let ns = shared[dep];
            return ns && ns.__useDefault ? ns.default : ns;
          });
          window.__isoscopeAmd.requested[url] = def.deps.slice();
          if (missing.length > 0) {
            throw new Error(url + ' needs modules the host does not share: ' + missing.join(', '));
          }
          let result = def.factory.apply(exports, args);
          if (result !== undefined) {
            module.exports = result;
          }
          resolve(module.exports);
        } catch (err) {
          reject(err);
        }
      };
      document.head.appendChild(script);
    });
  }

  window.define = define;
  window.__isoscopeAmd = {
    /** Registers a shared module under the name plugins import it by. */
    set: function (name, ns) {
      shared[name] = ns;
    },
    names: function () {
      return Object.keys(shared).sort();
    },
    /** The dependency list each loaded module declared, by URL. */
    requested: {},
    importModule: importModule,
  };
})();
