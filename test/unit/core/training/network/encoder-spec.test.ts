import { describe, expect, it } from 'vitest';
import { encoderStagesOption } from '../../../../../electron/cli/options';
import { createNetwork } from '../../../../../electron/core/training/network/network';
import { defaultEncoderSpec } from '../../../../../electron/core/training/network/train-network';

const convs = (depths?: number[]) =>
  defaultEncoderSpec(32, 3, [4, 8, 16], 'patch', depths).layers.flatMap((l) => (l.kind === 'conv2d' ? [`${l.outChannels}/${l.stride}`] : []));

describe('the encoder stages', () => {
  it('halves the resolution once a stage; a deeper stage adds stride-1 convolutions at its width', () => {
    expect(convs()).toEqual(['4/2', '8/2', '16/2']);
    expect(convs([1, 2, 3])).toEqual(['4/2', '8/2', '8/1', '16/2', '16/1', '16/1']);
    const net = createNetwork(defaultEncoderSpec(32, 3, [4, 8, 16], 'patch', [1, 2, 3]));
    expect(net.layers.at(-3)!.outShape).toEqual([16, 4, 4]); // 32 px halved three times, not six
    expect(net.outShape).toEqual([3]);
  });

  it('refuses depths that do not match the widths', () => {
    expect(() => defaultEncoderSpec(32, 3, [4, 8], 'patch', [1])).toThrow(/encoder depths \[1\] must be one whole number ≥ 1 for each of the 2 widths/);
    expect(() => defaultEncoderSpec(32, 3, [4, 8], 'patch', [1, 0])).toThrow(/must be one whole number ≥ 1/);
  });

  it('reads WIDTHxDEPTH from the command line', () => {
    expect(encoderStagesOption('8,16,64x2, 128x3', '--widths')).toEqual({ widths: [8, 16, 64, 128], depths: [1, 1, 2, 3] });
    expect(() => encoderStagesOption('8,x2', '--widths')).toThrow(/--widths: 'x2' is not a width or WIDTHxDEPTH/);
  });
});
