"use client";

import { memo, useState, type ReactNode } from "react";
import type { ActorKind, ActorState, ActorView, CustomerView, EventStatus, VendorView } from "@/lib/contracts/event";
import { formatCount, formatRate } from "@/lib/contracts/format";
import { ActorActions, type ActorNotice } from "./actor-actions";
import { AddActorForm } from "./add-actor-form";
import { shownActorState, type ShownActorState } from "./live-state";

// Vendor and customer tables, each with its "Add" form and per-row Pause / Resume / Remove.
// Rows are memoised on their values: the stream sends a fresh object up to ten times a second,
// and with a thousand customers most rows have not changed.
// One table serves both kinds; what differs between them lives in KINDS below, so a change to
// the table's markup cannot reach one kind and miss the other.

const STATE_LABEL: Record<ShownActorState, string> = { WORKING: "working", WAITING: "waiting", PAUSED: "paused", DONE: "done", NOT_STARTED: "not started", STOPPED: "sale stopped" };

function StateBadge({ state, paused, status, position }: { state: ActorState; paused: boolean; status: EventStatus; position?: number | null }) {
  // An actor the operator paused says so whatever its loop was doing; before the start and
  // while the sale is stopped the actors are idle too, but they say why, and keep their Pause button.
  const shown = shownActorState(state, paused, status);
  return (
    <span className={`actor-state actor-state-${shown.toLowerCase().replace("_", "-")}`} data-state={shown} data-paused={paused || undefined}>
      <span className="actor-state-dot" aria-hidden="true" />
      {STATE_LABEL[shown]}
      {!paused && position != null ? <span className="queue-place"> · #{formatCount(position)} in queue</span> : null}
    </span>
  );
}

function Rate({ value, own, unit }: { value: number; own: boolean; unit: string }) {
  return (
    <>
      {formatRate(value)}
      <CellUnit text="tickets/s" />
      {own ? (
        <span className="own-rate" title={`This ${unit} has its own rate`}>
          {" "}
          own
        </span>
      ) : null}
    </>
  );
}

/** The column's unit, shown in the cell only where the table is laid out as cards (narrow screens, no header row). */
function CellUnit({ text }: { text: string }) {
  return <span className="cell-unit"> {text}</span>;
}

type ActorOf = { vendor: VendorView; customer: CustomerView };

/** A data column, between the row's name and its actions. */
type Column<T extends ActorView> = { key: string; head: ReactNode; headClass?: string; cellClass: string; cell: (actor: T, status: EventStatus) => ReactNode };

type KindSpec<T extends ActorView> = {
  title: string;
  empty: string;
  /** The summary line's second figure: how many are working (vendors) or VIP (customers). */
  tally: { label: string; of: (actor: T) => boolean };
  rowClass?: (actor: T) => string;
  nameBadge?: (actor: T) => ReactNode;
  columns: Column<T>[];
};

/** "Rate (tickets/s)": one text node before the unit, as the header has always rendered. */
function headWithUnit(title: string, unit: string) {
  return (
    <>
      {`${title} `}
      <span className="unit">{`(${unit})`}</span>
    </>
  );
}

function rateColumn<T extends ActorView>(kind: ActorKind, rate: (actor: T) => number): Column<T> {
  return { key: "rate", head: headWithUnit("Rate", "tickets/s"), headClass: "num", cellClass: "num cell-rate", cell: (a) => <Rate value={rate(a)} own={a.ownRate} unit={kind} /> };
}

function countColumn<T extends ActorView>(title: string, count: (actor: T) => number): Column<T> {
  return {
    key: "count",
    head: headWithUnit(title, "tickets"),
    headClass: "num",
    cellClass: "num cell-count",
    cell: (a) => (
      <>
        {formatCount(count(a))}
        <CellUnit text={title.toLowerCase()} />
      </>
    ),
  };
}

function stateColumn<T extends ActorView>(position?: (actor: T) => number | null): Column<T> {
  return { key: "state", head: "State", cellClass: "cell-state", cell: (a, status) => <StateBadge state={a.state} paused={a.paused} status={status} position={position?.(a)} /> };
}

const KINDS: { [K in ActorKind]: KindSpec<ActorOf[K]> } = {
  vendor: {
    title: "Vendors",
    empty: "No vendors: nothing will be released.",
    tally: { label: "working", of: (v) => v.state === "WORKING" && !v.paused },
    columns: [rateColumn("vendor", (v) => v.ticketReleaseRate), countColumn("Released", (v) => v.released), stateColumn()],
  },
  customer: {
    title: "Customers",
    empty: "No customers: nothing will be bought.",
    tally: { label: "VIP", of: (c) => c.vip },
    rowClass: (c) => (c.vip ? "row-vip" : ""),
    nameBadge: (c) => (c.vip ? <span className="badge badge-vip vip-inline">VIP</span> : null),
    columns: [
      {
        key: "vip",
        head: "VIP",
        headClass: "col-vip",
        cellClass: "col-vip",
        cell: (c) => (c.vip ? <span className="badge badge-vip">VIP</span> : <span className="muted">regular</span>),
      },
      rateColumn("customer", (c) => c.customerRetrievalRate),
      countColumn("Bought", (c) => c.bought),
      stateColumn((c) => c.position),
    ],
  },
};

type RowProps<K extends ActorKind> = { kind: K; actor: ActorOf[K]; eventId: number; status: EventStatus; onNotice: (notice: ActorNotice) => void };

function ActorRowView<K extends ActorKind>({ kind, actor, eventId, status, onNotice }: RowProps<K>) {
  const spec: KindSpec<ActorOf[K]> = KINDS[kind];
  const classes = [spec.rowClass?.(actor) ?? "", actor.paused ? "row-paused" : ""].filter(Boolean).join(" ");
  return (
    <tr className={classes || undefined}>
      <th scope="row" className="cell-name">
        {actor.name}
        {spec.nameBadge?.(actor)}
      </th>
      {spec.columns.map((column) => (
        <td key={column.key} className={column.cellClass}>
          {column.cell(actor, status)}
        </td>
      ))}
      <td className="col-actions">
        <ActorActions eventId={eventId} kind={kind} id={actor.id} name={actor.name} paused={actor.paused} onNotice={onNotice} />
      </td>
    </tr>
  );
}

// memo() drops the type parameter; the cast gives it back so a row's actor must match its kind.
const ActorRow = memo(ActorRowView, (a, b) => a.kind === b.kind && a.eventId === b.eventId && a.status === b.status && sameFields(a.actor, b.actor)) as typeof ActorRowView;

function sameFields<T extends object>(a: T, b: T): boolean {
  for (const key of Object.keys(a) as (keyof T)[]) if (a[key] !== b[key]) return false;
  return true;
}

function TableNotice({ notice, testId }: { notice: ActorNotice; testId: string }) {
  return (
    <p className={`control-notice actors-notice${notice?.tone === "error" ? " control-notice-error" : ""}`} role="status" aria-live="polite" data-testid={testId}>
      {notice?.text ?? ""}
    </p>
  );
}

function ActionsHeader() {
  return (
    <th scope="col" className="col-actions">
      <span className="visually-hidden">Actions</span>
    </th>
  );
}

export function ActorTable<K extends ActorKind>({ kind, eventId, status, actors, defaultRate }: { kind: K; eventId: number; status: EventStatus; actors: ActorOf[K][]; defaultRate: number }) {
  // The setter is stable, which the memoised rows rely on (they compare only their kind and actor).
  const [notice, setNotice] = useState<ActorNotice>(null);
  const spec: KindSpec<ActorOf[K]> = KINDS[kind];
  const plural = `${kind}s`;
  const tally = actors.filter(spec.tally.of).length;
  const paused = actors.filter((a) => a.paused).length;
  return (
    <section className={`card actors actors-${plural}`} aria-labelledby={`${plural}-heading`}>
      <div className="section-head">
        <h2 id={`${plural}-heading`}>{spec.title}</h2>
        <p className="muted">
          {formatCount(actors.length)} · {formatCount(tally)}
          {` ${spec.tally.label}`}
          {paused > 0 ? ` · ${formatCount(paused)} paused` : ""}
        </p>
      </div>
      <AddActorForm kind={kind} eventId={eventId} names={actors.map((a) => a.name)} defaultRate={defaultRate} />
      <TableNotice notice={notice} testId={`${plural}-status`} />
      {actors.length === 0 ? (
        <p className="muted empty-inline">{spec.empty}</p>
      ) : (
        <div className="table-scroll" tabIndex={0} role="region" aria-label={`${spec.title} table`}>
          <table className="data-table" aria-labelledby={`${plural}-heading`} data-testid={`${plural}-table`}>
            <thead>
              <tr>
                <th scope="col">Name</th>
                {spec.columns.map((column) => (
                  <th key={column.key} scope="col" className={column.headClass}>
                    {column.head}
                  </th>
                ))}
                <ActionsHeader />
              </tr>
            </thead>
            <tbody>
              {actors.map((a) => (
                <ActorRow key={a.id} kind={kind} actor={a} eventId={eventId} status={status} onNotice={setNotice} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
