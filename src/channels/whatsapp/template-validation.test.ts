import { describe, expect, it } from 'vitest';
import { ChatwootTemplateParamsSchema, templateFromChatwoot } from './template-params.js';
import {
  checkTemplateParameters,
  placeholders,
  summariseTemplate,
  type TemplateComponent,
  type TemplateDefinition,
} from './template-validation.js';

const template = (
  components: TemplateComponent[],
  parameterFormat: string | null = 'POSITIONAL',
): TemplateDefinition => ({
  name: 'modelo',
  language: 'pt_BR',
  status: 'APPROVED',
  parameter_format: parameterFormat,
  components,
});

const body = (text: string): TemplateComponent => ({ type: 'BODY', text });
const texts = (...values: string[]) => values.map((text) => ({ type: 'text', text }));
const send = (...components: Array<Record<string, unknown>>) => ({ components });
const fields = (issues: Array<{ field: string }>) => issues.map((issue) => issue.field);

describe('placeholders and the parameters summary', () => {
  it('lists each distinct placeholder once, positional or named', () => {
    expect(placeholders('Olá {{1}}, seu pedido {{2}} chega {{ 3 }}. {{1}}')).toEqual(['1', '2', '3']);
    expect(placeholders('Oi {{first_name}}, código {{order_id}}')).toEqual(['first_name', 'order_id']);
    expect(placeholders(undefined)).toEqual([]);
  });

  it('says what each part of the template needs when sent', () => {
    const summary = summariseTemplate(
      template([
        { type: 'HEADER', format: 'IMAGE' },
        body('Olá {{1}}, pedido {{2}}'),
        {
          type: 'BUTTONS',
          buttons: [
            { type: 'QUICK_REPLY', text: 'Parar' },
            { type: 'URL', text: 'Rastrear', url: 'https://loja.example/r/{{1}}' },
            { type: 'URL', text: 'Site', url: 'https://loja.example' },
          ],
        },
      ]),
    );
    expect(summary).toEqual({
      format: 'POSITIONAL',
      header: { format: 'IMAGE', parameters: ['image'] },
      body: ['1', '2'],
      buttons: [
        { index: 0, type: 'QUICK_REPLY', text: 'Parar', parameter: 'optional' },
        { index: 1, type: 'URL', text: 'Rastrear', parameter: 'required' },
        { index: 2, type: 'URL', text: 'Site', parameter: 'none' },
      ],
    });
  });
});

describe('body parameters', () => {
  const twoParameters = template([body('Olá {{1}}, seu evento é {{2}}.')]);

  it('accepts exactly as many positional parameters as the body has placeholders', () => {
    expect(
      checkTemplateParameters(twoParameters, send({ type: 'body', parameters: texts('Maria', 'amanhã') })),
    ).toEqual([]);
  });

  it('refuses too few or too many, saying how many were expected', () => {
    const [few] = checkTemplateParameters(twoParameters, send({ type: 'body', parameters: texts('Maria') }));
    expect(few).toEqual({
      field: 'template.body',
      message: 'o modelo espera 2 parâmetro(s) no corpo; foram enviados 1',
    });
    const many = checkTemplateParameters(twoParameters, send({ type: 'body', parameters: texts('a', 'b', 'c') }));
    expect(many[0]?.message).toContain('foram enviados 3');
    expect(checkTemplateParameters(twoParameters, send())[0]?.message).toContain('foram enviados 0');
  });

  it('needs no body component when the body has no placeholders', () => {
    expect(checkTemplateParameters(template([body('Obrigado!')]), send())).toEqual([]);
    expect(
      fields(checkTemplateParameters(template([body('Obrigado!')]), send({ type: 'body', parameters: texts('x') }))),
    ).toEqual(['template.body']);
  });

  it('accepts currency and date_time parameters but not media in the body', () => {
    const currency = { type: 'currency', currency: { fallback_value: 'R$ 10', code: 'BRL', amount_1000: 10000 } };
    expect(
      checkTemplateParameters(template([body('Total: {{1}}')]), send({ type: 'body', parameters: [currency] })),
    ).toEqual([]);
    const image = { type: 'image', image: { link: 'https://x.example/a.png' } };
    expect(
      fields(checkTemplateParameters(template([body('Total: {{1}}')]), send({ type: 'body', parameters: [image] }))),
    ).toEqual(['template.body.1']);
  });
});

describe('named parameters', () => {
  const named = template([body('Oi {{first_name}}, seu pedido {{order_id}} saiu.')], 'NAMED');
  const param = (name: string, text = 'x') => ({ type: 'text', parameter_name: name, text });

  it('accepts the names the body uses, in any order', () => {
    expect(
      checkTemplateParameters(named, send({ type: 'body', parameters: [param('order_id'), param('first_name')] })),
    ).toEqual([]);
  });

  it('names the missing and the unknown parameters', () => {
    const issues = checkTemplateParameters(
      named,
      send({ type: 'body', parameters: [param('first_name'), param('nome')] }),
    );
    expect(issues.map((issue) => issue.message)).toEqual([
      'faltam os parâmetros order_id',
      'parâmetros que o modelo não tem: nome',
    ]);
  });

  it('refuses positional parameters for a named template', () => {
    const [issue] = checkTemplateParameters(named, send({ type: 'body', parameters: texts('Maria', '42') }));
    expect(issue?.message).toBe('o modelo usa parâmetros nomeados: informe first_name, order_id');
  });
});

describe('header parameters', () => {
  it('asks for one text parameter when a text header has a placeholder, up to 60 characters', () => {
    const withHeader = template([{ type: 'HEADER', format: 'TEXT', text: 'Pedido {{1}}' }, body('Oi')]);
    expect(checkTemplateParameters(withHeader, send({ type: 'header', parameters: texts('42') }))).toEqual([]);
    expect(fields(checkTemplateParameters(withHeader, send()))).toEqual(['template.header']);
    const long = checkTemplateParameters(withHeader, send({ type: 'header', parameters: texts('x'.repeat(61)) }));
    expect(long[0]?.message).toBe('no máximo 60 caracteres');
  });

  it('refuses header parameters for a fixed text header or a template without header', () => {
    const fixed = template([{ type: 'HEADER', format: 'TEXT', text: 'Confirmação' }, body('Oi')]);
    expect(fields(checkTemplateParameters(fixed, send({ type: 'header', parameters: texts('x') })))).toEqual([
      'template.header',
    ]);
    expect(
      fields(checkTemplateParameters(template([body('Oi')]), send({ type: 'header', parameters: texts('x') }))),
    ).toEqual(['template.header']);
  });

  it('asks media headers for a parameter of the same kind with an http(s) link or an id', () => {
    const image = template([{ type: 'HEADER', format: 'IMAGE' }, body('Oi')]);
    const header = (parameter: Record<string, unknown>) => send({ type: 'header', parameters: [parameter] });
    expect(
      checkTemplateParameters(image, header({ type: 'image', image: { link: 'https://x.example/a.jpg' } })),
    ).toEqual([]);
    expect(checkTemplateParameters(image, header({ type: 'image', image: { id: '1234567890' } }))).toEqual([]);
    expect(checkTemplateParameters(image, header({ type: 'image', image: { link: 'ftp://x/a.jpg' } }))).toHaveLength(1);
    expect(checkTemplateParameters(image, header({ type: 'video', video: { link: 'https://x/a.mp4' } }))).toHaveLength(
      1,
    );
    expect(checkTemplateParameters(image, send())[0]?.message).toBe(
      'o cabeçalho é image: envie um parâmetro image com link (http/https) ou id',
    );
  });
});

describe('button parameters', () => {
  const withButtons = template([
    body('Oi'),
    {
      type: 'BUTTONS',
      buttons: [
        { type: 'QUICK_REPLY', text: 'Parar' },
        { type: 'URL', text: 'Rastrear', url: 'https://loja.example/r/{{1}}' },
        { type: 'URL', text: 'Site', url: 'https://loja.example' },
        { type: 'COPY_CODE', example: 'PROMO10' },
      ],
    },
  ]);
  const urlButton = { type: 'button', sub_type: 'url', index: '1', parameters: texts('abc123') };
  const couponButton = {
    type: 'button',
    sub_type: 'copy_code',
    index: '3',
    parameters: [{ type: 'coupon_code', coupon_code: 'PROMO10' }],
  };

  it('accepts the URL suffix and the coupon code, with the quick reply payload optional', () => {
    expect(checkTemplateParameters(withButtons, send(urlButton, couponButton))).toEqual([]);
    const payload = {
      type: 'button',
      sub_type: 'quick_reply',
      index: '0',
      parameters: [{ type: 'payload', payload: 'STOP' }],
    };
    expect(checkTemplateParameters(withButtons, send(urlButton, couponButton, payload))).toEqual([]);
  });

  it('asks for the parameter of a URL button with a placeholder', () => {
    const issues = checkTemplateParameters(withButtons, send(couponButton));
    expect(issues).toEqual([{ field: 'template.buttons.1', message: 'o botão "Rastrear" precisa de um parâmetro' }]);
  });

  it('refuses a parameter for a fixed URL, a wrong sub_type and a button that does not exist', () => {
    const fixed = { type: 'button', sub_type: 'url', index: '2', parameters: texts('x') };
    const wrongType = { ...urlButton, sub_type: 'quick_reply' };
    const missing = { type: 'button', sub_type: 'url', index: '7', parameters: texts('x') };
    expect(fields(checkTemplateParameters(withButtons, send(fixed, couponButton, urlButton)))).toEqual([
      'template.buttons.2',
    ]);
    expect(checkTemplateParameters(withButtons, send(wrongType, couponButton))[0]?.message).toBe(
      'o botão "Rastrear" é do tipo url',
    );
    expect(fields(checkTemplateParameters(withButtons, send(missing, urlButton, couponButton)))).toEqual([
      'template.buttons.7',
    ]);
  });

  it('limits a coupon code to 15 characters', () => {
    const long = { ...couponButton, parameters: [{ type: 'coupon_code', coupon_code: 'X'.repeat(16) }] };
    expect(checkTemplateParameters(withButtons, send(urlButton, long))[0]?.message).toBe('no máximo 15 caracteres');
  });
});

describe('Meta’s limits on text parameters', () => {
  const one = template([body('Oi {{1}}')]);
  const withFooter = template([body('Oi {{1}}'), { type: 'FOOTER', text: 'Loja' }]);
  const bodyWith = (text: string) => send({ type: 'body', parameters: texts(text) });
  const message = (definition: TemplateDefinition, text: string) =>
    checkTemplateParameters(definition, bodyWith(text))[0]?.message;

  it('refuses line breaks, tabs and more than 4 spaces in a row', () => {
    expect(message(one, 'linha 1\nlinha 2')).toBe('não pode ter quebras de linha nem tabulações');
    expect(message(one, 'a\tb')).toBe('não pode ter quebras de linha nem tabulações');
    expect(message(one, 'a     b')).toBe('não pode ter mais de 4 espaços seguidos');
    expect(message(one, 'a    b')).toBeUndefined();
  });

  it('refuses empty text', () => {
    expect(message(one, '   ')).toBe('o texto não pode ficar vazio');
  });

  it('allows 1024 characters next to other components, 32768 when the body is alone', () => {
    expect(message(withFooter, 'x'.repeat(1024))).toBeUndefined();
    expect(message(withFooter, 'x'.repeat(1025))).toBe('no máximo 1024 caracteres');
    expect(message(one, 'x'.repeat(1025))).toBeUndefined();
    expect(message(one, 'x'.repeat(32_769))).toBe('no máximo 32768 caracteres');
  });
});

describe('Chatwoot template_params', () => {
  it('turns the older flat processed_params into body parameters that fit the template', () => {
    const params = ChatwootTemplateParamsSchema.parse({
      name: 'modelo',
      language: 'pt_BR',
      processed_params: { '2': 'amanhã', '1': 'Maria' },
    });
    const sent = templateFromChatwoot(params, null);
    expect(sent.components).toEqual([{ type: 'body', parameters: texts('Maria', 'amanhã') }]);
    expect(checkTemplateParameters(template([body('Olá {{1}}, seu evento é {{2}}.')]), sent)).toEqual([]);
  });
});
