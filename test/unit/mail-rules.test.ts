// The product's rules for email, on parsed messages: what counts as bulk or automatic mail, which way a
// message went, and whom it concerns.
import { describe, expect, it } from "vitest";
import { classify, isBulk, type CaptureRules } from "../../src/core/mail/capture.js";
import { parseMessage } from "../../src/io/mail.js";

const rules: CaptureRules = {
  me: new Set(["me@example.org"]),
  ignoreDomains: ["shop.example"],
  contacts: new Map([
    ["ada@lovelace.example", 1],
    ["bob@builder.example", 2],
  ]),
  source: "test",
  storeSnippet: false,
};

const message = (headers: string) => parseMessage(`${headers}\r\nMessage-ID: <x@y>\r\nSubject: Hi\r\n\r\n`);

describe("bulk and automatic mail", () => {
  it.each([
    ["a List-Unsubscribe header", "From: ada@lovelace.example\r\nList-Unsubscribe: <https://x.example/u>"],
    ["a List-Id header", "From: ada@lovelace.example\r\nList-Id: <team.lists.example>"],
    ["Precedence: bulk", "From: ada@lovelace.example\r\nPrecedence: bulk"],
    ["Precedence: list", "From: ada@lovelace.example\r\nPrecedence: list"],
    ["an auto-reply", "From: ada@lovelace.example\r\nAuto-Submitted: auto-replied"],
    ["a delivery report", 'From: postmaster@mx.example\r\nContent-Type: multipart/report; report-type=delivery-status; boundary="b"'],
    ["a no-reply sender", "From: No Reply <no-reply@builder.example>"],
    ["a noreply+tag sender", "From: noreply+abc@builder.example"],
    ["MAILER-DAEMON", "From: MAILER-DAEMON@mx.example"],
    ["an ignored domain", "From: deals@shop.example"],
    ["a subdomain of an ignored domain", "From: deals@news.shop.example"],
  ])("ignores %s", async (_what, headers) => {
    expect(isBulk(await message(headers), rules)).toBe(true);
  });

  it.each([
    ["a person", "From: ada@lovelace.example"],
    ["Auto-Submitted: no", "From: ada@lovelace.example\r\nAuto-Submitted: no"],
    ["a domain that merely ends like an ignored one", "From: bob@myshop.example"],
    ["a sender whose name has reply in it", "From: replyguy@builder.example"],
  ])("keeps %s", async (_what, headers) => {
    expect(isBulk(await message(headers), rules)).toBe(false);
  });
});

describe("direction and people", () => {
  it("a message from a contact is received, for the sender and the contacts copied, never for you", async () => {
    const m = await message("From: Ada <ada@lovelace.example>\r\nTo: me@example.org\r\nCc: bob@builder.example, carol@x.example");
    expect(classify(m, rules, false)).toEqual({ kind: "match", direction: "in", contactIds: [1, 2], strangers: [] });
  });

  it("a message from you is sent, for the contacts it went to; strangers you wrote to are kept apart", async () => {
    const m = await message("From: me@example.org\r\nTo: Bob <BOB@builder.example>, Carol <carol@x.example>");
    expect(classify(m, rules, false)).toEqual({ kind: "match", direction: "out", contactIds: [2], strangers: [{ address: "carol@x.example", name: "Carol" }] });
  });

  it("a message in the Sent folder is sent even from an address crm does not know as yours", async () => {
    const m = await message("From: alias@example.org\r\nTo: ada@lovelace.example");
    expect(classify(m, rules, true)).toMatchObject({ direction: "out", contactIds: [1] });
  });

  it("your own newsletter to a contact is not bulk: sent mail is never ignored", async () => {
    const m = await message("From: me@example.org\r\nTo: ada@lovelace.example\r\nList-Unsubscribe: <https://me.example/u>");
    expect(classify(m, rules, false)).toMatchObject({ kind: "match", direction: "out" });
  });
});
