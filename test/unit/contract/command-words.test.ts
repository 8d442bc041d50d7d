import { describe, expect, it } from 'vitest';
import { commandWords } from '../../../agent/contract/command-words.js';

describe('commandWords: a callback command split as a shell splits words, without expanding anything', () => {
  it('splits on blanks and keeps quoted blanks', () => {
    expect(commandWords('/usr/bin/python3 /etc/pgha/cb.py  --flag')).toEqual({ words: ['/usr/bin/python3', '/etc/pgha/cb.py', '--flag'] });
    expect(commandWords(`/opt/my scripts/cb.sh`)).toEqual({ words: ['/opt/my', 'scripts/cb.sh'] });
    expect(commandWords(`'/opt/my scripts/cb.sh' "a b" c\\ d ''`)).toEqual({ words: ['/opt/my scripts/cb.sh', 'a b', 'c d', ''] });
  });

  it('expands nothing: $HOME, globs and ; stay as written', () => {
    expect(commandWords('/bin/echo $HOME * ; rm')).toEqual({ words: ['/bin/echo', '$HOME', '*', ';', 'rm'] });
    expect(commandWords(`/bin/echo "a \\"b\\" \\$c \\n"`)).toEqual({ words: ['/bin/echo', 'a "b" $c \\n'] });
  });

  it('refuses what a shell could not split, in one sentence', () => {
    expect(commandWords(`/bin/echo 'open`)).toEqual({ error: 'its single quote is not closed' });
    expect(commandWords('/bin/echo "open')).toEqual({ error: 'its double quote is not closed' });
    expect(commandWords('/bin/echo \\')).toEqual({ error: 'it ends with a lone backslash' });
    expect(commandWords('   ')).toEqual({ error: 'it names no program' });
  });
});
