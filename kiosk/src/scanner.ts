import { useEffect, useRef } from 'react';

/**
 * Keyboard-wedge scanners "type" a code in a burst and press Enter. Anywhere on the screen (not
 * inside a text field, which handles its own input), a burst of ≥4 characters ending in Enter
 * within `maxGapMs` per key is taken as a scan.
 */
export function useWedgeScanner(onScan: (text: string) => void, enabled: boolean, maxGapMs = 60): void {
  const handler = useRef(onScan);
  handler.current = onScan;
  useEffect(() => {
    if (!enabled) return;
    let buffer = '';
    let last = 0;
    const onKey = (e: KeyboardEvent) => {
      const target = e.target as HTMLElement | null;
      if (target && (target.tagName === 'INPUT' || target.tagName === 'TEXTAREA')) return;
      const now = performance.now();
      if (now - last > maxGapMs) buffer = '';
      last = now;
      if (e.key === 'Enter') {
        if (buffer.length >= 4) {
          e.preventDefault();
          handler.current(buffer);
        }
        buffer = '';
      } else if (e.key.length === 1) buffer += e.key;
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [enabled, maxGapMs]);
}

interface DetectedBarcode {
  rawValue: string;
}
interface BarcodeDetectorLike {
  detect(source: HTMLVideoElement): Promise<DetectedBarcode[]>;
}
type BarcodeDetectorCtor = new (options: { formats: string[] }) => BarcodeDetectorLike;

export function cameraScanSupported(): boolean {
  return typeof window !== 'undefined' && 'BarcodeDetector' in window && !!navigator.mediaDevices?.getUserMedia;
}

/** Scans QR codes from the camera with the browser's BarcodeDetector; returns a stop function. */
export async function startCameraScan(video: HTMLVideoElement, onCode: (text: string) => void): Promise<() => void> {
  const Detector = (window as unknown as { BarcodeDetector: BarcodeDetectorCtor }).BarcodeDetector;
  const detector = new Detector({ formats: ['qr_code'] });
  const stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: 'user' }, audio: false });
  video.srcObject = stream;
  await video.play();
  let stopped = false;
  const stop = () => {
    stopped = true;
    for (const track of stream.getTracks()) track.stop();
    video.srcObject = null;
  };
  const loop = async () => {
    if (stopped) return;
    try {
      const codes = await detector.detect(video);
      const first = codes[0];
      if (first?.rawValue) {
        stop();
        onCode(first.rawValue);
        return;
      }
    } catch {
      // a frame that could not be read: try the next one
    }
    setTimeout(loop, 250);
  };
  void loop();
  return stop;
}
