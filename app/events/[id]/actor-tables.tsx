"use client";

import { memo, useState } from "react";
import type { ActorState, CustomerView, VendorView } from "@/lib/contracts/event";
import { formatCount, formatRate } from "@/lib/contracts/format";
import { ActorActions, type ActorNotice } from "./actor-actions";
import { AddActorForm } from "./add-actor-form";

// Vendor and customer tables, each with its "Add" form and per-row Pause / Resume / Remove.
// Rows are memoised on their values: the stream sends a fresh object up to ten times a second,
// and with a thousand customers most rows have not changed.

const STATE_LABEL: Record<ActorState, string> = { WORKING: "working", WAITING: "waiting", PAUSED: "paused", DONE: "done" };

function StateBadge({ state, paused, position }: { state: ActorState; paused: boolean; position?: number | null }) {
  // An actor the operator paused says so whatever its loop was doing; a stopped event's actors
  // are PAUSED too, but keep their Pause button.
  const shown: ActorState = paused ? "PAUSED" : state;
  return (
    <span className={`actor-state actor-state-${shown.toLowerCase()}`} data-state={shown} data-paused={paused || undefined}>
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

type RowProps<T> = { actor: T; eventId: number; onNotice: (notice: ActorNotice) => void };

const VendorRow = memo(
  function VendorRow({ actor: vendor, eventId, onNotice }: RowProps<VendorView>) {
    return (
      <tr className={vendor.paused ? "row-paused" : undefined}>
        <th scope="row" className="cell-name">
          {vendor.name}
        </th>
        <td className="num cell-rate">
          <Rate value={vendor.ticketReleaseRate} own={vendor.ownRate} unit="vendor" />
        </td>
        <td className="num cell-count">
          {formatCount(vendor.released)}
          <CellUnit text="released" />
        </td>
        <td className="cell-state">
          <StateBadge state={vendor.state} paused={vendor.paused} />
        </td>
        <td className="col-actions">
          <ActorActions eventId={eventId} kind="vendor" id={vendor.id} name={vendor.name} paused={vendor.paused} onNotice={onNotice} />
        </td>
      </tr>
    );
  },
  (a, b) => a.eventId === b.eventId && sameFields(a.actor, b.actor),
);

const CustomerRow = memo(
  function CustomerRow({ actor: customer, eventId, onNotice }: RowProps<CustomerView>) {
    const classes = [customer.vip ? "row-vip" : "", customer.paused ? "row-paused" : ""].filter(Boolean).join(" ");
    return (
      <tr className={classes || undefined}>
        <th scope="row" className="cell-name">
          {customer.name}
          {customer.vip ? <span className="badge badge-vip vip-inline">VIP</span> : null}
        </th>
        <td className="col-vip">{customer.vip ? <span className="badge badge-vip">VIP</span> : <span className="muted">regular</span>}</td>
        <td className="num cell-rate">
          <Rate value={customer.customerRetrievalRate} own={customer.ownRate} unit="customer" />
        </td>
        <td className="num cell-count">
          {formatCount(customer.bought)}
          <CellUnit text="bought" />
        </td>
        <td className="cell-state">
          <StateBadge state={customer.state} paused={customer.paused} position={customer.position} />
        </td>
        <td className="col-actions">
          <ActorActions eventId={eventId} kind="customer" id={customer.id} name={customer.name} paused={customer.paused} onNotice={onNotice} />
        </td>
      </tr>
    );
  },
  (a, b) => a.eventId === b.eventId && sameFields(a.actor, b.actor),
);

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

export function VendorTable({ eventId, vendors, defaultRate }: { eventId: number; vendors: VendorView[]; defaultRate: number }) {
  // The setter is stable, which the memoised rows rely on (they compare only their actor).
  const [notice, setNotice] = useState<ActorNotice>(null);
  const working = vendors.filter((v) => v.state === "WORKING" && !v.paused).length;
  const paused = vendors.filter((v) => v.paused).length;
  return (
    <section className="card actors actors-vendors" aria-labelledby="vendors-heading">
      <div className="section-head">
        <h2 id="vendors-heading">Vendors</h2>
        <p className="muted">
          {formatCount(vendors.length)} · {formatCount(working)} working{paused > 0 ? ` · ${formatCount(paused)} paused` : ""}
        </p>
      </div>
      <AddActorForm kind="vendor" eventId={eventId} names={vendors.map((v) => v.name)} defaultRate={defaultRate} />
      <TableNotice notice={notice} testId="vendors-status" />
      {vendors.length === 0 ? (
        <p className="muted empty-inline">No vendors: nothing will be released.</p>
      ) : (
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Vendors table">
          <table className="data-table" aria-labelledby="vendors-heading" data-testid="vendors-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col" className="num">
                  Rate <span className="unit">(tickets/s)</span>
                </th>
                <th scope="col" className="num">
                  Released <span className="unit">(tickets)</span>
                </th>
                <th scope="col">State</th>
                <ActionsHeader />
              </tr>
            </thead>
            <tbody>
              {vendors.map((v) => (
                <VendorRow key={v.id} actor={v} eventId={eventId} onNotice={setNotice} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function CustomerTable({ eventId, customers, defaultRate }: { eventId: number; customers: CustomerView[]; defaultRate: number }) {
  const [notice, setNotice] = useState<ActorNotice>(null);
  const vip = customers.filter((c) => c.vip).length;
  const paused = customers.filter((c) => c.paused).length;
  return (
    <section className="card actors actors-customers" aria-labelledby="customers-heading">
      <div className="section-head">
        <h2 id="customers-heading">Customers</h2>
        <p className="muted">
          {formatCount(customers.length)} · {formatCount(vip)} VIP{paused > 0 ? ` · ${formatCount(paused)} paused` : ""}
        </p>
      </div>
      <AddActorForm kind="customer" eventId={eventId} names={customers.map((c) => c.name)} defaultRate={defaultRate} />
      <TableNotice notice={notice} testId="customers-status" />
      {customers.length === 0 ? (
        <p className="muted empty-inline">No customers: nothing will be bought.</p>
      ) : (
        <div className="table-scroll" tabIndex={0} role="region" aria-label="Customers table">
          <table className="data-table" aria-labelledby="customers-heading" data-testid="customers-table">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col" className="col-vip">
                  VIP
                </th>
                <th scope="col" className="num">
                  Rate <span className="unit">(tickets/s)</span>
                </th>
                <th scope="col" className="num">
                  Bought <span className="unit">(tickets)</span>
                </th>
                <th scope="col">State</th>
                <ActionsHeader />
              </tr>
            </thead>
            <tbody>
              {customers.map((c) => (
                <CustomerRow key={c.id} actor={c} eventId={eventId} onNotice={setNotice} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
