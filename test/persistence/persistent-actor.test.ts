import test from 'ava';
import type { ExecutionContext } from 'ava';
import { attachPersistence, PersistentActor } from '../../persistence/persistent-actor.js';
import type { Persistence } from '../../persistence/index.js';
import type { ActorContext, ActorRef, ActorSystem } from '../../runtime/index.js';
import { collect, testSystem } from '../helpers/system.js';
import { postgresBackend, sqliteBackend } from './backends.js';
import type { Backend } from './backends.js';

type AccountMsg =
  | { readonly type: 'account.deposit'; readonly amount: number }
  | { readonly type: 'account.get' }
  | { readonly type: 'account.crash' };
type AccountEvent = { readonly kind: 'deposited'; readonly amount: number } | { readonly kind: 'poison' };
interface AccountState {
  readonly balance: number;
  readonly deposits: number;
  readonly history: readonly number[];
}
type Balance = { readonly type: 'account.balance'; readonly balance: number; readonly deposits: number; readonly history: readonly number[]; readonly seq: number };

interface AccountProps {
  readonly id: string;
  readonly snapshotEvery?: number;
  readonly epoch?: number;
}

class Account extends PersistentActor<AccountMsg, AccountEvent, AccountState, AccountProps> {
  persistenceId(): string {
    return `account-${this.props.id}`;
  }
  initialState(): AccountState {
    return { balance: 0, deposits: 0, history: [] };
  }
  apply(state: AccountState, event: AccountEvent): AccountState {
    if (event.kind === 'poison') throw new Error('cannot apply a poison event');
    return { balance: state.balance + event.amount, deposits: state.deposits + 1, history: [...state.history.slice(-9), event.amount] };
  }
  override snapshotEvery(): number {
    return this.props.snapshotEvery ?? 0;
  }
  override epoch(): number {
    return this.props.epoch ?? 1;
  }
  async receive(msg: AccountMsg, ctx: ActorContext<AccountMsg>): Promise<void> {
    switch (msg.type) {
      case 'account.deposit':
        return this.persist({ kind: 'deposited', amount: msg.amount });
      case 'account.get':
        return ctx.reply<Balance>({ type: 'account.balance', ...this.state, seq: this.lastSeq });
      case 'account.crash':
        throw new Error('crash on purpose');
    }
  }
}

async function balance(system: ActorSystem, ref: ActorRef<AccountMsg>): Promise<Balance> {
  return system.ask<Balance>(ref, { type: 'account.get' }, 5_000);
}

function withBackend(make: () => Backend): void {
  const backend = make();
  const name = backend.name;
  test.after.always(() => backend.cleanup());

  async function open(t: ExecutionContext): Promise<{ system: ActorSystem; store: Persistence; storage: Awaited<ReturnType<Backend['createStorage']>> }> {
    const storage = await backend.createStorage();
    const store = await storage.open();
    const { system } = testSystem();
    attachPersistence(system, { journal: store.journal, snapshots: store.snapshots });
    t.teardown(async () => {
      await system.shutdown();
      await store.close();
    });
    return { system, store, storage };
  }

  test.serial(`[${name}] a restarted persistent actor recovers its state from the journal before its next message`, async (t) => {
    const { system } = await open(t);
    const ref = system.spawn(Account, 'acct', { id: 'a1' });
    for (let i = 1; i <= 20; i++) system.tell(ref, { type: 'account.deposit', amount: i });
    system.tell(ref, { type: 'account.crash' });
    system.tell(ref, { type: 'account.deposit', amount: 1_000 });
    const after = await balance(system, ref);
    t.is(system.statsOf('/acct')?.restarts, 1);
    t.is(after.balance, 210 + 1_000);
    t.is(after.deposits, 21);
    t.is(after.seq, 21);
  });

  test.serial(`[${name}] messages that arrive during recovery wait and are processed in order afterwards`, async (t) => {
    const { system, store } = await open(t);
    const events = Array.from({ length: 5_000 }, (_, i) => ({ kind: 'deposited', amount: i % 7 }));
    await store.journal.append('account-a2', events, { expectedSeq: 0, epoch: 1 });
    const ref = system.spawn(Account, 'acct', { id: 'a2' });
    for (let i = 0; i < 50; i++) system.tell(ref, { type: 'account.deposit', amount: 100 + i });
    const after = await balance(system, ref);
    const recovered = events.reduce((s, e) => s + e.amount, 0);
    t.is(after.balance, recovered + Array.from({ length: 50 }, (_, i) => 100 + i).reduce((a, b) => a + b, 0));
    t.deepEqual(after.history, [140, 141, 142, 143, 144, 145, 146, 147, 148, 149]);
    t.is(after.seq, 5_050);
  });

  test.serial(`[${name}] recovering with snapshots gives the same state as replaying every event`, async (t) => {
    const { system, storage } = await open(t);
    const withSnapshots = system.spawn(Account, 'snap', { id: 'same', snapshotEvery: 7 });
    for (let i = 1; i <= 100; i++) system.tell(withSnapshots, { type: 'account.deposit', amount: (i * 37) % 101 });
    const live = await balance(system, withSnapshots);
    await system.settled();
    t.true((await storage.count(`snapshots WHERE persistence_id = 'account-same'`)) >= 1);

    const replayOnly = system.spawn(Account, 'replay', { id: 'same', snapshotEvery: 0 });
    const fromEvents = await balance(system, replayOnly);
    await system.stop(withSnapshots);
    const again = system.spawn(Account, 'snap2', { id: 'same', snapshotEvery: 7 });
    const fromSnapshot = await balance(system, again);
    t.deepEqual(fromEvents, live);
    t.deepEqual(fromSnapshot, live);
    const status = system.inspectActor('/snap2') as { recoveredFromSnapshotSeq: number; eventsReplayed: number };
    t.true(status.recoveredFromSnapshotSeq > 90);
    t.is(status.recoveredFromSnapshotSeq + status.eventsReplayed, 100);
  });

  test.serial(`[${name}] a recovery failure reaches the supervisor as a typed RecoveryError`, async (t) => {
    const { system, store } = await open(t);
    await store.journal.append('account-bad', [{ kind: 'deposited', amount: 1 }, { kind: 'poison' }], { expectedSeq: 0, epoch: 1 });
    const failures = collect(system, 'supervisor.failed');
    system.spawn(Account, 'bad', { id: 'bad' });
    await system.settled();
    t.like(failures[0], { child: '/bad', phase: 'started', error: { name: 'RecoveryError', code: 'RECOVERY_FAILED' } });
    t.regex(failures[0]!.error.message, /account-bad failed at seq 1: Error: cannot apply a poison event/);
  });

  test.serial(`[${name}] an actor fenced by a newer epoch stops instead of writing`, async (t) => {
    const { system, store } = await open(t);
    const fenced = collect(system, 'persistence.fenced');
    const ref = system.spawn(Account, 'old-owner', { id: 'f1', epoch: 1 });
    system.tell(ref, { type: 'account.deposit', amount: 5 });
    await balance(system, ref);
    await store.journal.fence('account-f1', 2);
    system.tell(ref, { type: 'account.deposit', amount: 7 });
    await system.settled();
    t.is(system.lookup('/old-owner'), undefined);
    t.like(fenced[0], { persistenceId: 'account-f1', epoch: 1 });
    t.is(await store.journal.highestSeq('account-f1'), 1);
  });
}

withBackend(sqliteBackend);
withBackend(postgresBackend);

test('a new owner fences the stream before recovering, so the older owner cannot write even once more', async (t) => {
  const backend = sqliteBackend();
  t.teardown(() => backend.cleanup());
  const storage = await backend.createStorage();
  const store = await storage.open();
  const { system } = testSystem();
  attachPersistence(system, { journal: store.journal, snapshots: store.snapshots });
  t.teardown(async () => {
    await system.shutdown();
    await store.close();
  });
  const old = system.spawn(Account, 'old', { id: 'z', epoch: 1 });
  system.tell(old, { type: 'account.deposit', amount: 1 });
  await balance(system, old);
  const fresh = system.spawn(Account, 'new', { id: 'z', epoch: 2 });
  t.is((await balance(system, fresh)).balance, 1);
  t.is(await store.journal.currentEpoch('account-z'), 2);
  system.tell(old, { type: 'account.deposit', amount: 100 });
  await system.settled();
  t.is(system.lookup('/old'), undefined, 'the old owner stopped on its first write after the new one started');
  t.is((await balance(system, fresh)).balance, 1);

  // An owner with an older epoch than the stream's never starts.
  const fenced = collect(system, 'persistence.fenced');
  system.spawn(Account, 'zombie', { id: 'z', epoch: 1 });
  await system.settled();
  t.is(system.lookup('/zombie'), undefined);
  t.like(fenced[0], { path: '/zombie', persistenceId: 'account-z', epoch: 1, error: { name: 'FencedError' } });
});
