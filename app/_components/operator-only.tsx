"use client";

import { usePathname } from "next/navigation";

// The buyer page shows nothing of the operator's; site-wide operator notices (the admin-mode
// banner) are left out of it.
const BUYER_PAGE = /^\/events\/[^/]+\/buy\/?$/;

export function OperatorOnly({ children }: { children: React.ReactNode }) {
  return BUYER_PAGE.test(usePathname() ?? "") ? null : children;
}
