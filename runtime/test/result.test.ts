import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import { andThen, fail, map, mapError, ok, unwrapOr, type ErrorCodeOf, type Result } from '../src/result.js';

function parsePort(text: string): Result<number, 'NOT_A_NUMBER' | 'OUT_OF_RANGE'> {
  const port = Number(text);
  if (!Number.isInteger(port)) return fail('NOT_A_NUMBER', `${text} is not a whole number`);
  if (port < 1 || port > 65_535) return fail('OUT_OF_RANGE', `${port} is not a port`, { min: 1, max: 65_535 });
  return ok(port);
}

describe('result', () => {
  it('ok and fail build the two branches, and narrowing on ok reaches the right field', () => {
    const good = parsePort('8080');
    const bad = parsePort('http');
    assert.deepEqual(good, { ok: true, value: 8080 });
    assert.deepEqual(bad, { ok: false, error: { code: 'NOT_A_NUMBER', message: 'http is not a whole number' } });
    if (!bad.ok) {
      const code: 'NOT_A_NUMBER' | 'OUT_OF_RANGE' = bad.error.code;
      assert.equal(code, 'NOT_A_NUMBER');
    }
    assert.deepEqual(parsePort('0'), { ok: false, error: { code: 'OUT_OF_RANGE', message: '0 is not a port', details: { min: 1, max: 65_535 } } });
    assert.deepEqual(ok(), { ok: true, value: undefined });
  });

  it('catalogue defect: a result never carries both a value and an error (runtime)', () => {
    const success = ok(1);
    const failure = fail('X', 'x');
    assert.deepEqual(Object.keys(success), ['ok', 'value']);
    assert.deepEqual(Object.keys(failure), ['ok', 'error']);
    // The catalogue's ServiceResult was a mutable dataclass: success=True, error=... could be set at any time.
    assert.throws(() => {
      (success as { error?: unknown }).error = failure.error;
    }, TypeError);
    assert.throws(() => {
      (failure as { ok: boolean }).ok = true;
    }, TypeError);
    assert.throws(() => {
      (failure.error as { code: string }).code = 'Y';
    }, TypeError);
    assert.deepEqual(Object.keys(map(success, (n) => n + 1)), ['ok', 'value']);
    assert.throws(() => fail('', 'no code'), TypeError);
  });

  it('catalogue defect: a result never carries both a value and an error (types)', () => {
    // Checked by `tsc -p .`; the compiler-driven test below proves these lines really are errors.
    // @ts-expect-error a success cannot carry an error
    const both: Result<number, 'X'> = { ok: true, value: 1, error: { code: 'X', message: 'x' } };
    // @ts-expect-error a failure cannot carry a value
    const failedWithValue: Result<number, 'X'> = { ok: false, value: 1, error: { code: 'X', message: 'x' } };
    // @ts-expect-error the error code must be one the result type declares
    const wrongCode: Result<number, 'X'> = fail('Y', 'y');
    assert.ok(both && failedWithValue && wrongCode);
  });

  it('catalogue defect: the type checker rejects mixed results (compiler-driven)', function () {
    this.timeout(60_000);
    const resultPath = fileURLToPath(new URL('../src/result.ts', import.meta.url));
    const probePath = fileURLToPath(new URL('./__result-probe.ts', import.meta.url));
    const lines = [
      `import { fail, ok, type Result } from './../src/result.js';`,
      `export const valid: Result<number, 'X'> = Math.random() > 2 ? ok(1) : fail('X', 'x');`,
      `export const both: Result<number, 'X'> = { ok: true, value: 1, error: { code: 'X', message: 'x' } };`,
      `export const failedWithValue: Result<number, 'X'> = { ok: false, value: 1, error: { code: 'X', message: 'x' } };`,
      `const spread = { ...ok(1), error: { code: 'X' as const, message: 'x' } };`,
      `export const widened: Result<number, 'X'> = spread;`,
      `export const wrongCode: Result<number, 'X'> = fail('Y', 'y');`,
    ];
    const options: ts.CompilerOptions = {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.NodeNext,
      moduleResolution: ts.ModuleResolutionKind.NodeNext,
      types: [],
      lib: ['lib.es2023.d.ts'],
      skipLibCheck: true,
    };
    const host = ts.createCompilerHost(options);
    const readFile = host.readFile.bind(host);
    host.readFile = (file) => (file === probePath ? lines.join('\n') : readFile(file));
    const fileExists = host.fileExists.bind(host);
    host.fileExists = (file) => file === probePath || fileExists(file);
    const getSourceFile = host.getSourceFile.bind(host);
    host.getSourceFile = (file, language) => (file === probePath ? ts.createSourceFile(file, lines.join('\n'), language) : getSourceFile(file, language));
    const program = ts.createProgram([probePath, resultPath], options, host);
    const errorLines = new Set(
      ts
        .getPreEmitDiagnostics(program)
        .filter((d) => d.file?.fileName === probePath && d.start !== undefined)
        .map((d) => d.file!.getLineAndCharacterOfPosition(d.start!).line),
    );
    // Lines 2, 3, 5, 6 (0-based) mix value and error or use an undeclared code; line 1 is the valid control.
    assert.deepEqual([...errorLines].sort(), [2, 3, 5, 6]);
  });

  it('map transforms successes only', () => {
    assert.deepEqual(
      map(ok(2), (n) => n * 10),
      ok(20),
    );
    const failure = fail('X', 'x');
    let called = false;
    assert.equal(
      map(failure, () => {
        called = true;
      }),
      failure,
    );
    assert.equal(called, false);
  });

  it('mapError translates failures only', () => {
    const translated = mapError(parsePort('nope'), (error) => ({ ...error, code: 'BAD_CONFIG' as const }));
    assert.deepEqual(translated, { ok: false, error: { code: 'BAD_CONFIG', message: 'nope is not a whole number' } });
    assert.deepEqual(
      mapError(ok(1), () => ({ code: 'NEVER', message: '' })),
      ok(1),
    );
  });

  it('andThen chains steps, stopping at the first failure, and unions the codes', () => {
    const evenPort = (text: string) => andThen(parsePort(text), (port) => (port % 2 === 0 ? ok(port) : fail('ODD', `${port} is odd`)));
    const codes: Array<ErrorCodeOf<ReturnType<typeof evenPort>>> = ['NOT_A_NUMBER', 'OUT_OF_RANGE', 'ODD'];
    assert.equal(codes.length, 3);
    assert.deepEqual(evenPort('8080'), ok(8080));
    assert.equal(evenPort('8081').ok ? undefined : evenPort('8081').error?.code, 'ODD');
    let reached = false;
    const stopped = andThen(parsePort('x'), (port) => {
      reached = true;
      return ok(port);
    });
    assert.equal(reached, false);
    assert.equal(stopped.ok ? undefined : stopped.error.code, 'NOT_A_NUMBER');
  });

  it('unwrapOr returns the value or the fallback', () => {
    assert.equal(unwrapOr(parsePort('443'), 80), 443);
    assert.equal(unwrapOr(parsePort('x'), 80), 80);
    assert.equal(unwrapOr(ok<number | null>(null), 80), null, 'a null success is still a success');
  });
});
