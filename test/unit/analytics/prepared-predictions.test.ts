// The prepared (many-customer) forms of the count models' predictions and likelihoods give the same
// numbers, bit for bit, as the one-customer forms the published CDNOW values are checked against.
import { describe, expect, it } from "vitest";
import { bgnbdConditionalExpectedAt, bgnbdConditionalExpectedFor, type BgNbdParams } from "../../../src/analytics/bgnbd.js";
import { mbgnbdConditionalExpectedAt, mbgnbdConditionalExpectedFor } from "../../../src/analytics/mbgnbd.js";
import { fitParetoNbd, paretoNbdTotalLogLikelihood } from "../../../src/analytics/pareto.js";
import { readSummary } from "./cdnow-fixtures.js";

const customers = readSummary();
// Month ends of a year (365.25/12 days in weeks) and a horizon of 39 weeks.
const horizons = [...Array.from({ length: 12 }, (_, i) => ((i + 1) * 365.25) / 12 / 7), 39];
// Published CDNOW fits (FHL 2005; lifetimes' ModifiedBetaGeoFitter), rounded.
const BG: BgNbdParams = { r: 0.2426, alpha: 4.4136, a: 0.793, b: 2.4259 };
const MBG = { r: 0.525, alpha: 6.183, a: 0.891, b: 1.614 };

describe("prepared predictions", () => {
  it("BG/NBD: every CDNOW customer's expected purchases equal bgnbdConditionalExpectedAt's exactly", () => {
    const at = bgnbdConditionalExpectedFor(BG, horizons, customers);
    for (const c of customers) expect(at(c.x, c.tx, c.T)).toStrictEqual(bgnbdConditionalExpectedAt(BG, horizons, c.x, c.tx, c.T));
  });

  it("MBG/NBD: every CDNOW customer's expected purchases equal mbgnbdConditionalExpectedAt's exactly", () => {
    const at = mbgnbdConditionalExpectedFor(MBG, horizons, customers);
    for (const c of customers) expect(at(c.x, c.tx, c.T)).toStrictEqual(mbgnbdConditionalExpectedAt(MBG, horizons, c.x, c.tx, c.T));
  });

  it("a history the preparation did not see, and invalid input, behave as the one-customer form", () => {
    const at = bgnbdConditionalExpectedFor(BG, horizons, customers.slice(0, 10));
    expect(at(3, 10.5, 77.25)).toStrictEqual(bgnbdConditionalExpectedAt(BG, horizons, 3, 10.5, 77.25));
    expect(() => at(customers[0]!.x, customers[0]!.T + 1, customers[0]!.T)).toThrow(/t_x must be between 0 and T/);
    expect(() => bgnbdConditionalExpectedFor({ ...BG, a: 1 }, horizons, customers)(1, 1, 2)).toThrow(/a = 1/);
    expect(() => mbgnbdConditionalExpectedFor({ ...MBG, r: -1 }, horizons, customers)(1, 1, 2)).toThrow(/parameter r/);
  });

  it("Pareto/NBD: the fit's log-likelihood is the total log-likelihood at its parameters", () => {
    const fit = fitParetoNbd(customers);
    const total = paretoNbdTotalLogLikelihood(fit, customers);
    expect(Math.abs(fit.logLikelihood / total - 1)).toBeLessThan(1e-12);
  });
});
