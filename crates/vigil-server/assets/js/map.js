// The map: Leaflet over the committed Natural Earth basemap (no tiles),
// one marker per placed report, coloured by event type, sized by the
// number killed, clustered when dense.

import { h, label, fmtDate, placeName } from './dom.js';

let basemap;
function loadBasemap() {
  basemap ??= fetch('/assets/basemap/basemap.json').then((r) => {
    if (!r.ok) throw new Error(`basemap: ${r.status}`);
    return r.json();
  });
  return basemap;
}

/** Marker diameter in pixels: grows with the square root of the toll. */
export function markerSize(killed) {
  const n = Math.max(0, Number(killed) || 0);
  return Math.round(Math.min(44, 12 + 5 * Math.sqrt(n)));
}

export class EventMap {
  constructor(container, { onOpen } = {}) {
    const L = window.L;
    this.el = container;
    this.onOpen = onOpen;
    this.map = L.map(container, {
      zoomSnap: 0.5,
      minZoom: 3,
      maxZoom: 12,
      worldCopyJump: false,
      attributionControl: true,
    });
    this.map.attributionControl.setPrefix(false);
    this.map.attributionControl.addAttribution('Natural Earth');
    this.map.fitBounds([[32.3, 35.5], [37.4, 42.5]]);
    this.cluster = L.markerClusterGroup({
      maxClusterRadius: 36,
      showCoverageOnHover: false,
      spiderfyOnMaxZoom: true,
      iconCreateFunction: (c) => {
        const n = c.getChildCount();
        const size = n < 10 ? 30 : n < 50 ? 38 : 46;
        const div = L.divIcon({ className: 'cluster', html: '', iconSize: [size, size] });
        // The count is a number, set as text when the icon is drawn.
        const create = div.createIcon.bind(div);
        div.createIcon = (old) => {
          const el = create(old);
          el.textContent = String(n);
          el.setAttribute('aria-label', `${n} reports`);
          return el;
        };
        return div;
      },
    });
    this.map.addLayer(this.cluster);
    this.ready = loadBasemap().then((geo) => {
      L.geoJSON(geo, {
        interactive: false,
        style: (f) => (f.properties.layer === 'country'
          ? { className: 'bm-country', weight: 1 }
          : { className: 'bm-province', weight: 0.6 }),
      }).addTo(this.map).bringToBack();
    });
  }

  /** Shows `reports` (those with a place); returns how many were placed. */
  setReports(reports, sources) {
    return this.setItems(reports, (r) => this.popup(r, sources), (r) => `claim-${r.claim_status}`);
  }

  /** Shows `incidents` (those with a place); returns how many were placed. */
  setIncidents(incidents) {
    return this.setItems(incidents, (i) => incidentPopup(i), (i) => `status-${i.status}`);
  }

  setItems(items, popup, extraClass) {
    const L = window.L;
    this.cluster.clearLayers();
    const markers = [];
    for (const r of items) {
      const p = r.place;
      if (!p || typeof p.lat !== 'number' || typeof p.lon !== 'number') continue;
      const killed = r.counts?.killed?.value ?? 0;
      const s = markerSize(killed);
      const icon = L.divIcon({
        className: `ev ev-${r.event_type} ${extraClass(r)}`,
        html: '',
        iconSize: [s, s],
      });
      const place = p.name || '';
      const m = L.marker([p.lat, p.lon], {
        icon,
        keyboard: true,
        title: `${label(r.event_type)} · ${place} · ${fmtDate(r.date?.date)}${killed ? ` · ${killed} killed` : ''}`,
        alt: `${r.status ? 'incident' : 'report'} ${r.id}`,
      });
      m.bindPopup(() => popup(r));
      markers.push(m);
    }
    this.cluster.addLayers(markers);
    this.el.dataset.markers = String(markers.length);
    return markers.length;
  }

  popup(r, sources) {
    const killed = r.counts?.killed;
    const src = sources?.get(r.source_id);
    return h('div.popup', {},
      h('strong', {}, label(r.sub_event_type || r.event_type)),
      h('div', {}, placeName(r.place, '')),
      h('div', {}, fmtDate(r.date?.date), ' · ', label(r.claim_status)),
      killed ? h('div', {}, `${killed.exactness === 'exact' ? '' : label(killed.exactness) + ' '}${killed.value} killed`) : null,
      src ? h('div', { dir: 'auto' }, src.name) : null,
      h('a', { href: `#/reports/${r.id}` }, `Report ${r.id} →`));
  }

  /**
   * Fits the view to the markers at once, without animation. Leaflet's SVG
   * renderer draws the basemap only over the view it had at the last
   * `moveend` (plus 10%); an animated fit pans for 250 ms before that event,
   * and meanwhile everything east of the first view (42.5°E) is blank: the
   * clipped basemap of a page caught right after it loaded.
   */
  fit() {
    const b = this.cluster.getBounds();
    if (b.isValid()) this.map.fitBounds(b, { padding: [30, 30], maxZoom: 9, animate: false });
  }

  destroy() {
    this.map.remove();
  }
}

function incidentPopup(i) {
  const killed = i.counts?.killed;
  return h('div.popup', {},
    h('strong', {}, label(i.sub_event_type || i.event_type)),
    h('div', {}, placeName(i.place, '')),
    h('div', {}, fmtDate(i.date?.date), ' · ', label(i.status)),
    killed ? h('div', {}, `${killed.value} killed`) : null,
    (i.perpetrators || []).length ? h('div', { dir: 'auto' }, i.perpetrators.join(', ')) : null,
    h('div', {}, `${i.reports.length} report${i.reports.length === 1 ? '' : 's'}`),
    h('a', { href: `#/incidents/${i.id}` }, `Incident ${i.id} →`));
}
