// What the instructor's and the students' pages share: a socket that comes back, and line charts.
// No library and no CDN: a classroom may be offline. Text from the server is always set with
// textContent, never as HTML.
"use strict";

const govsim = {
  // Open a WebSocket to `path`; `hello()` returns the first message (or null), `onMessage(msg)`
  // gets every message, `onState(text)` hears "connected" / "reconnecting". Reconnects by itself.
  connect(path, hello, onMessage, onState) {
    const self = { socket: null, closed: false };
    const open = () => {
      const scheme = location.protocol === "https:" ? "wss:" : "ws:";
      const ws = new WebSocket(`${scheme}//${location.host}${path}`);
      self.socket = ws;
      ws.onopen = () => {
        onState("connected");
        const first = hello();
        if (first) ws.send(JSON.stringify(first));
      };
      ws.onmessage = (event) => onMessage(JSON.parse(event.data));
      ws.onclose = (event) => {
        if (self.closed) return;
        if (event.code === 1008) { onState("refused"); return; }
        onState("reconnecting");
        setTimeout(open, 1500);
      };
    };
    self.send = (message) => {
      if (self.socket && self.socket.readyState === WebSocket.OPEN) {
        self.socket.send(JSON.stringify(message));
        return true;
      }
      return false;
    };
    open();
    return self;
  },

  el(tag, attributes = {}, text = null) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attributes)) node.setAttribute(k, v);
    if (text !== null) node.textContent = text;
    return node;
  },

  // Draw lines into an <svg>: series = [{values, colour, label, dash}], options = {ymax, line, lineLabel}.
  chart(svg, series, options = {}) {
    const W = 600, H = 240, L = 46, R = 10, T = 10, B = 28;
    const ns = "http://www.w3.org/2000/svg";
    svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
    svg.replaceChildren();
    const n = Math.max(2, ...series.map((s) => s.values.length));
    let ymax = options.ymax ?? 0;
    for (const s of series) for (const v of s.values) if (v > ymax) ymax = v;
    if (options.line !== undefined) ymax = Math.max(ymax, options.line * 1.1);
    ymax = ymax > 0 ? ymax * 1.05 : 1;
    const x = (i) => L + (i / (n - 1)) * (W - L - R);
    const y = (v) => T + (1 - v / ymax) * (H - T - B);
    const add = (tag, attrs, text) => {
      const node = document.createElementNS(ns, tag);
      for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
      if (text !== undefined) node.textContent = text;
      svg.appendChild(node);
      return node;
    };
    for (const f of [0, 0.5, 1]) {
      const v = ymax * f / 1.05;
      add("line", { x1: L, x2: W - R, y1: y(v), y2: y(v), class: "grid" });
      add("text", { x: L - 6, y: y(v) + 5, class: "tick", "text-anchor": "end" }, v.toFixed(2));
    }
    add("text", { x: W - R, y: H - 6, class: "tick", "text-anchor": "end" }, `step ${n - 1}`);
    add("text", { x: L, y: H - 6, class: "tick" }, "0");
    if (options.line !== undefined) {
      add("line", { x1: L, x2: W - R, y1: y(options.line), y2: y(options.line), class: "refline" });
      if (options.lineLabel) add("text", { x: L + 4, y: y(options.line) - 4, class: "tick" }, options.lineLabel);
    }
    for (const s of series) {
      if (!s.values.length) continue;
      const points = s.values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(" ");
      add("polyline", { points, fill: "none", stroke: s.colour, "stroke-width": 3,
                        "stroke-dasharray": s.dash || "", "data-series": s.label });
    }
  },

  legend(container, series) {
    container.replaceChildren();
    for (const s of series) {
      const item = govsim.el("span", { class: "key" });
      const swatch = govsim.el("span", { class: "swatch" });
      swatch.style.borderTop = `4px ${s.dash ? "dashed" : "solid"} ${s.colour}`;
      item.append(swatch, document.createTextNode(s.label));
      container.appendChild(item);
    }
  },

  pct(x) { return `${Math.round(100 * x)} %`; },

  // Colour of a share expressing: pale (calm) to dark red (at or beyond the collapse line).
  heat(share, collapse) {
    const t = Math.max(0, Math.min(1, share / collapse));
    const light = 92 - 55 * t;
    return `hsl(${40 - 40 * t}, 85%, ${light}%)`;
  },
};

// Okabe-Ito colours, as in the figures
govsim.colours = { latent: "#E69F00", true: "#D55E00", seen: "#0072B2", accommodate: "#009E73",
                   constrain: "#CC79A7", incentivise: "#56B4E9", trust: "#0072B2" };
