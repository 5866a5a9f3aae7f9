// `tessera-agent --self-test`: proves the native addon (capture, input, codec later) loads and works in
// this build, which matters most for the single executable, where it is unpacked at run time.
import { hostname, osDescription } from './systemInfo.ts';
import { AGENT_VERSION } from './version.ts';

export async function selfTest(print: (line: string) => void = console.log): Promise<boolean> {
  print(`tessera-agent ${AGENT_VERSION} on ${hostname()} (${osDescription()})`);
  try {
    // Imported here, not at the top, so a broken addon cannot stop --help or --version.
    const { changedTiles } = await import('../native/index.ts');
    const width = 130;
    const height = 70;
    const before = new Uint8Array(width * height * 4);
    const after = before.slice();
    after[(65 * width + 129) * 4] = 255; // one pixel in the bottom-right (partial) tile
    const changed = [...changedTiles(before, after, width, height, width * 4, 64)];
    const expected = [5]; // 3 tiles per row, 2 rows: bottom-right is index 5
    if (changed.join() !== expected.join()) {
      print(`native addon: FAILED (changedTiles returned [${changed.join(', ')}], expected [${expected.join(', ')}])`);
      return false;
    }
    print('native addon: ok (changedTiles)');
    return true;
  } catch (e) {
    print(`native addon: FAILED to load (${(e as Error).message})`);
    return false;
  }
}
