// The security overview's local password check: weak by the real estimator (zxcvbn-ts with its
// dictionaries), reused across accounts, old by the last save. Pure: nothing is sent anywhere.
import { assessPasswords, needsAttention } from '@ext/utils/password-health';
import { strengthScore } from '@ext/utils/strength';

const now = new Date('2026-12-03T12:00:00Z');
const recently = '2026-11-30T12:00:00Z';

describe('assessPasswords', () => {
  test('when the real estimator scores a dictionary password and a random one, then only the first is weak', () => {
    const verdicts = assessPasswords(
      [
        { uuid: 'a', password: 'password123', updatedAt: recently },
        { uuid: 'b', password: 'vT7#qL9!mZ2@wR4$', updatedAt: recently },
        { uuid: 'c', password: 'contraseña2024', updatedAt: recently },
      ],
      now,
      strengthScore,
    );
    expect(verdicts.get('a')).toMatchObject({ weak: true, reusedWith: 0, old: false });
    expect(verdicts.get('b')).toMatchObject({ weak: false, score: 4 });
    expect(verdicts.get('c')!.weak).toBe(true); // the Spanish dictionary knows it
  });

  test('when a password is made of the account’s own username, then the hints make it weak', () => {
    const password = 'kowalczykgrzegorz';
    const alone = assessPasswords([{ uuid: 'a', password, updatedAt: recently }], now, strengthScore).get('a')!;
    const hinted = assessPasswords([{ uuid: 'a', password, updatedAt: recently, hints: ['kowalczykgrzegorz', 'Bank'] }], now, strengthScore).get('a')!;
    expect(alone.weak).toBe(false);
    expect(hinted.weak).toBe(true);
  });

  test('when three accounts share a password, then each is reused with the two others; a unique one is not', () => {
    const verdicts = assessPasswords(
      ['x', 'y', 'z', 'solo'].map((uuid) => ({ uuid, password: uuid === 'solo' ? 'Only-mine-4242-zz' : 'Shared-secret-77!', updatedAt: recently })),
      now,
      () => 4,
    );
    expect(['x', 'y', 'z', 'solo'].map((uuid) => verdicts.get(uuid)!.reusedWith)).toEqual([2, 2, 2, 0]);
  });

  test('when a password was last saved 400 days ago, then it is old; 30 days ago, it is not', () => {
    const verdicts = assessPasswords(
      [
        { uuid: 'old', password: 'p1-long-enough', updatedAt: '2025-10-29T12:00:00Z' },
        { uuid: 'new', password: 'p2-long-enough', updatedAt: '2026-11-03T12:00:00Z' },
      ],
      now,
      () => 4,
    );
    expect(verdicts.get('old')).toMatchObject({ old: true, ageDays: 400 });
    expect(verdicts.get('new')).toMatchObject({ old: false, ageDays: 30 });
    expect(needsAttention(verdicts.get('old')!)).toBe(true);
    expect(needsAttention(verdicts.get('new')!)).toBe(false);
  });

  test('when the estimator is given a password, then it is called once per distinct password (the same one on 50 accounts is scored once)', () => {
    let calls = 0;
    assessPasswords(Array.from({ length: 50 }, (_, i) => ({ uuid: String(i), password: 'same', updatedAt: recently })), now, () => {
      calls += 1;
      return 0;
    });
    expect(calls).toBe(1);
  });
});
