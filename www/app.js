// The page: mounts the call-back form into #callback.
import { mountCallback } from './callback-form.js';

const container = document.getElementById('callback');
mountCallback(container, {
  api: container.dataset.api || '',
  country: container.dataset.country,
  fields: container.dataset.fields,
});
