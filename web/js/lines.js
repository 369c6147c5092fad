// A line is a phone number or a home contract (договор). The API names one in a mutation or
// the live balance by `msisdn` or by `contractNumber`, exactly one of the two; the page
// shows a contract by its number and links each kind to its own page.
import { phone } from "./format.js";

export const isContract = (line) => Boolean(line.contractNumber);

/** The variables naming the line: { msisdn } or { contractNumber }. */
export const lineName = (line) => (isContract(line) ? { contractNumber: line.contractNumber } : { msisdn: line.msisdn });

/** A key unique among the viewer's lines, for element ids (digits of a contract, a phone's E.164). */
export const lineKey = (line) => (isContract(line) ? `contract-${line.contractNumber}` : line.msisdn);

export const lineTitle = (line) => (isContract(line) ? `Договор ${line.contractNumber}` : phone(line.msisdn));

export const lineLink = (line) =>
  isContract(line) ? `#/contract/${encodeURIComponent(line.contractNumber)}` : `#/number/${encodeURIComponent(line.msisdn)}`;
