import test from 'ava';
import { dehydrateBrokerBooks, emptyBrokerBooks, replayBrokerEvent } from '../../actors/broker/broker-books.js';
import type { BrokerJournalEvent } from '../../actors/broker/broker-books.js';
import type { OrderRequest } from '../../actors/domain/order.js';
import { approvalTokenId, signApproval } from '../../actors/risk/approval.js';
import { Codec } from '../../runtime/codec/index.js';

const retention = { terminalOrders: 10, fillsPerPortfolio: 10 };
const order = (i: number): OrderRequest => ({
  clientOrderId: `n1-a-${i}`, portfolioId: 'p1', strategyId: 's1', symbol: 'AAPL', side: 'buy', type: 'limit', quantity: 10 + i, limitPrice: 100, tif: 'day', createdAt: i,
});
const key = Buffer.alloc(32, 9);
const replyTo = { path: '/strategy' };
const riskRef = { path: '/risk' };

/** The same three opened orders, as journals wrote them before December 2026 (the whole approved order) and as they do now. */
function journals(): { legacy: BrokerJournalEvent[]; current: BrokerJournalEvent[] } {
  const legacy: BrokerJournalEvent[] = [];
  const current: BrokerJournalEvent[] = [];
  for (let i = 1; i <= 3; i++) {
    const approved = signApproval(order(i), { key, riskId: 'risk', seq: 40 + i, expiresAt: 1_000 + i });
    const tokenId = approvalTokenId(approved.approval);
    // Through the codec, as a journal hands them back: no in-process memo, plain values.
    legacy.push(codec.decodeValue(codec.encodeValue({ kind: 'opened', approved, tokenId, replyTo, riskRef, time: 10 * i })) as BrokerJournalEvent);
    current.push({ kind: 'opened', order: order(i), tokenId, expiresAt: approved.approval.expiresAt, replyTo, riskRef, time: 10 * i });
  }
  return { legacy, current };
}
const codec = new Codec();

test('an opened entry in the old shape (the whole approved order) recovers the same books as one in the new shape', (t) => {
  const { legacy, current } = journals();
  const fromLegacy = legacy.reduce(replayBrokerEvent, emptyBrokerBooks(retention));
  const fromCurrent = current.reduce(replayBrokerEvent, emptyBrokerBooks(retention));
  t.deepEqual(dehydrateBrokerBooks(fromLegacy), dehydrateBrokerBooks(fromCurrent));
  t.deepEqual([...fromCurrent.tokens], [['risk:41', 1_001], ['risk:42', 1_002], ['risk:43', 1_003]]);
  t.deepEqual(fromCurrent.routes.get('n1-a-2'), { tokenId: 'risk:42', expiresAt: 1_002, replyTo, riskRef });
  t.is(fromCurrent.book.get('n1-a-3')?.status, 'submitted');
});

test('the new opened entry carries no digest or signature and encodes smaller', (t) => {
  const { legacy, current } = journals();
  for (const event of current) t.false(JSON.stringify(event).includes('signature') || JSON.stringify(event).includes('orderDigest'));
  t.true(codec.encodeValue(current[0]).length < codec.encodeValue(legacy[0]).length - 150);
});

test('expired approval tokens are forgotten every 1,024 opened orders, oldest first, up to the first still valid', (t) => {
  const books = emptyBrokerBooks(retention);
  const open = (i: number, expiresAt: number, time: number): void => {
    replayBrokerEvent(books, { kind: 'opened', order: order(i), tokenId: `risk:${i}`, expiresAt, time });
  };
  // 1,000 tokens that expire at 1,000..1,999, one that lives long, then 22 that expire soon behind it.
  for (let i = 0; i < 1_000; i++) open(i, 1_000 + i, i);
  open(1_000, 1_000_000, 1_000);
  for (let i = 1_001; i < 1_023; i++) open(i, 1_100, i);
  t.is(books.tokens.size, 1_023, 'nothing is pruned before the 1,024th order');
  open(1_023, 5_000, 1_500); // the 1,024th, at time 1,500: tokens expiring at or before 1,500 go, oldest first
  t.is(books.tokens.size, 1_024 - 501);
  t.false(books.tokens.has('risk:500'));
  t.true(books.tokens.has('risk:501'));
  // The short-lived tokens behind the long-lived one wait for the walk to reach them; they are refused as EXPIRED meanwhile.
  for (let i = 1_024; i < 2_048; i++) open(i, 2_000_000, 3_000);
  t.true(books.tokens.has('risk:1000'));
  t.true(books.tokens.has('risk:1001'));
  t.false(books.tokens.has('risk:999'));
});
