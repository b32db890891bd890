// The event log of one simulation: stays responsive with tens of thousands of events. Events are
// queued and drawn once per frame; the DOM keeps the newest SHOWN rows only, the count says how
// many there were.
import {h} from './dom.js';

const SHOWN = 200;

function describe(e) {
  const d = e.data || {};
  switch (e.type) {
    case 'simulation.queued': return `queued: ${d.chunkCount} chunks, ${d.priority}`;
    case 'chunk.started': return `chunk ${d.chunk} started (attempt ${d.attempt})`;
    case 'chunk.succeeded': return `chunk ${d.chunk} succeeded: ${d.chunksDone}/${d.chunkCount} done`;
    case 'chunk.failed': return `chunk ${d.chunk} failed (attempt ${d.attempt}): ${d.error}${d.willRetry ? ', will retry' : ''}`;
    case 'chunk.replayed': return `chunk ${d.chunk} replayed (generation ${d.generation})`;
    case 'simulation.failed': return `failed: ${d.error}`;
    case 'simulation.resumed': return `resumed: ${d.requeuedChunks} chunks requeued`;
    default: return e.type.replace('simulation.', '');
  }
}

export class EventLog {
  constructor() {
    this.count = 0;
    this.pending = [];
    this.list = h('ol', {id: 'event-log', class: 'log', reversed: true});
    this.caption = h('p', {class: 'muted', id: 'event-count'}, 'No events yet.');
    this.el = h('section', {'aria-labelledby': 'log-title'}, h('h2', {id: 'log-title'}, 'Events'), this.caption, this.list);
    this.frame = 0;
  }

  add(e) {
    this.count++;
    this.pending.push(e);
    this.frame ||= requestAnimationFrame(() => this.flush());
  }

  flush() {
    this.frame = 0;
    const fresh = this.pending.slice(-SHOWN);
    this.pending = [];
    const rows = fresh.reverse().map((e) => h('li', {dataset: {eventId: e.id ?? '', type: e.type}},
      h('time', {datetime: e.at}, e.at ? new Date(e.at).toLocaleTimeString() : ''), ' ',
      e.id != null ? h('span', {class: 'muted'}, `#${e.id} `) : '', describe(e)));
    this.list.prepend(...rows);
    while (this.list.childElementCount > SHOWN) this.list.lastElementChild.remove();
    this.caption.textContent = this.count > SHOWN
      ? `${this.count} events; the newest ${SHOWN} are shown.`
      : `${this.count} event${this.count === 1 ? '' : 's'}.`;
  }
}
