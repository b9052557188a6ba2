import { memo } from "react";
import type { ActorState, CustomerView, VendorView } from "@/lib/events/view";
import { formatCount, formatRate } from "@/app/_components/format";

// Vendor and customer tables. Rows are memoised on their values: the stream sends a fresh
// object up to ten times a second, and with a thousand customers most rows have not changed.

const STATE_LABEL: Record<ActorState, string> = { WORKING: "working", WAITING: "waiting", PAUSED: "paused", DONE: "done" };

function StateBadge({ state }: { state: ActorState }) {
  return (
    <span className={`actor-state actor-state-${state.toLowerCase()}`} data-state={state}>
      <span className="actor-state-dot" aria-hidden="true" />
      {STATE_LABEL[state]}
    </span>
  );
}

function Rate({ value, own, unit }: { value: number; own: boolean; unit: string }) {
  return (
    <>
      {formatRate(value)}
      {own ? (
        <span className="own-rate" title={`This ${unit} has its own rate`}>
          {" "}
          own
        </span>
      ) : null}
    </>
  );
}

const VendorRow = memo(
  function VendorRow({ vendor }: { vendor: VendorView }) {
    return (
      <tr>
        <th scope="row">{vendor.name}</th>
        <td className="num">
          <Rate value={vendor.ticketReleaseRate} own={vendor.ownRate} unit="vendor" />
        </td>
        <td className="num">{formatCount(vendor.released)}</td>
        <td>
          <StateBadge state={vendor.state} />
        </td>
      </tr>
    );
  },
  (a, b) => sameFields(a.vendor, b.vendor),
);

const CustomerRow = memo(
  function CustomerRow({ customer }: { customer: CustomerView }) {
    return (
      <tr className={customer.vip ? "row-vip" : undefined}>
        <th scope="row">
          {customer.name}
          {customer.vip ? <span className="badge badge-vip vip-inline">VIP</span> : null}
        </th>
        <td className="col-vip">{customer.vip ? <span className="badge badge-vip">VIP</span> : <span className="muted">regular</span>}</td>
        <td className="num">
          <Rate value={customer.customerRetrievalRate} own={customer.ownRate} unit="customer" />
        </td>
        <td className="num">{formatCount(customer.bought)}</td>
        <td>
          <StateBadge state={customer.state} />
        </td>
      </tr>
    );
  },
  (a, b) => sameFields(a.customer, b.customer),
);

function sameFields<T extends object>(a: T, b: T): boolean {
  for (const key of Object.keys(a) as (keyof T)[]) if (a[key] !== b[key]) return false;
  return true;
}

export function VendorTable({ vendors }: { vendors: VendorView[] }) {
  const working = vendors.filter((v) => v.state === "WORKING").length;
  return (
    <section className="card actors actors-vendors" aria-labelledby="vendors-heading">
      <div className="section-head">
        <h2 id="vendors-heading">Vendors</h2>
        <p className="muted">
          {formatCount(vendors.length)} · {formatCount(working)} working
        </p>
      </div>
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
              </tr>
            </thead>
            <tbody>
              {vendors.map((v) => (
                <VendorRow key={v.id} vendor={v} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}

export function CustomerTable({ customers }: { customers: CustomerView[] }) {
  const vip = customers.filter((c) => c.vip).length;
  return (
    <section className="card actors actors-customers" aria-labelledby="customers-heading">
      <div className="section-head">
        <h2 id="customers-heading">Customers</h2>
        <p className="muted">
          {formatCount(customers.length)} · {formatCount(vip)} VIP
        </p>
      </div>
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
              </tr>
            </thead>
            <tbody>
              {customers.map((c) => (
                <CustomerRow key={c.id} customer={c} />
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
