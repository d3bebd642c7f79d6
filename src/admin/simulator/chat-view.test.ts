/** WhatsApp's text formatting in the simulator's bubbles, on escaped text. */
import { formatWhatsAppText } from './chat-view';

describe('formatWhatsAppText', () => {
  it.each([
    ['Done! Your *Consultation* is moved', 'Done! Your <strong>Consultation</strong> is moved'],
    ['_soon_ and ~never~', '<em>soon</em> and <s>never</s>'],
    ['```code```', '<code>code</code>'],
    ['2*3*4 stays', '2*3*4 stays'],
    ['<b>*x*</b>', '&lt;b>*x*&lt;/b>'],
    ['Tap *Book now* to choose', 'Tap <strong>Book now</strong> to choose'],
  ])('%s', (text, html) => {
    expect(formatWhatsAppText(text)).toBe(html);
  });
});
