// `u16::try_from(n)` of an integer, as the futures analysis types it (integerTryFrom): a `Result`
// of the target and `Infallible` where std has `From` between the two, else `TryFromIntError`.
// Every pair of integer types is written as a fn of that result, which rustc must compile.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { integerTryFrom } from '../../server/src/futures/std-methods';
import { rustcSendErrors } from '../oracle/check-futures';

const INTEGERS = ['u8', 'u16', 'u32', 'u64', 'u128', 'usize', 'i8', 'i16', 'i32', 'i64', 'i128', 'isize'];

test('integer try_from results agree with rustc for every pair of integer types', async () => {
  const fns: string[] = [];
  for (const from of INTEGERS)
    for (const to of INTEGERS) {
      const result = integerTryFrom(to, { k: 'plain', text: from });
      assert.ok(result, `${to}::try_from(${from}) is typed`);
      fns.push(`pub fn f_${from}_${to}(x: ${from}) -> ${result.text} { ${to}::try_from(x) }`);
    }
  const source = ['use std::convert::Infallible;', 'use std::num::TryFromIntError;', ...fns].join('\n');
  assert.ok(source.includes('Infallible>') && source.includes('TryFromIntError>'));
  assert.deepEqual((await rustcSendErrors(source)).otherErrors, []);
});
