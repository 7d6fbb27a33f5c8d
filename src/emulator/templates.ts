// The object type templates the emulator offers (ListProfileObjectTypeTemplates,
// GetProfileObjectTypeTemplate, PutProfileObjectType with a TemplateId). AWS's catalogue is larger
// and not published as data; these few have its shape: TemplateId `<Source>-<object>`, fields that
// map `_source.*` onto the standard profile (`_profile.*`), and a UNIQUE PROFILE key on the source's id.

type Field = { Source: string; Target: string; ContentType?: 'STRING' | 'NUMBER' | 'PHONE_NUMBER' | 'EMAIL_ADDRESS' | 'NAME' };
type Key = { StandardIdentifiers: string[]; FieldNames: string[] };

export interface Template {
  TemplateId: string;
  SourceName: string;
  SourceObject: string;
  AllowProfileCreation: boolean;
  SourceLastUpdatedTimestampFormat: string;
  Fields: Record<string, Field>;
  Keys: Record<string, Key[]>;
}

const ISO_MILLIS = "yyyy-MM-dd'T'HH:mm:ss.SSSZ";

const field = (source: string, target: string, contentType: Field['ContentType'] = 'STRING'): Field => ({
  Source: `_source.${source}`,
  Target: `_profile.${target}`,
  ContentType: contentType,
});

/** A template whose `idField` (a field of it) identifies the profile. */
function template(source: string, object: string, idField: string, fields: Record<string, Field>, allowProfileCreation: boolean): Template {
  return {
    TemplateId: `${source}-${object}`,
    SourceName: source,
    SourceObject: object,
    AllowProfileCreation: allowProfileCreation,
    SourceLastUpdatedTimestampFormat: ISO_MILLIS,
    Fields: fields,
    Keys: { [idField]: [{ StandardIdentifiers: ['PROFILE', 'UNIQUE'], FieldNames: [idField] }] },
  };
}

export const TEMPLATES: readonly Template[] = [
  template('Salesforce', 'Account', '_salesforceAccountId', {
    _salesforceAccountId: field('Id', 'Attributes.SalesforceAccountId'),
    Name: field('Name', 'BusinessName', 'NAME'),
    Phone: field('Phone', 'BusinessPhoneNumber', 'PHONE_NUMBER'),
    BillingStreet: field('BillingStreet', 'BillingAddress.Address1'),
    BillingCity: field('BillingCity', 'BillingAddress.City'),
    BillingPostalCode: field('BillingPostalCode', 'BillingAddress.PostalCode'),
    BillingCountry: field('BillingCountry', 'BillingAddress.Country'),
  }, true),
  template('Salesforce', 'Contact', '_salesforceContactId', {
    _salesforceContactId: field('Id', 'Attributes.SalesforceContactId'),
    FirstName: field('FirstName', 'FirstName', 'NAME'),
    LastName: field('LastName', 'LastName', 'NAME'),
    Email: field('Email', 'EmailAddress', 'EMAIL_ADDRESS'),
    MobilePhone: field('MobilePhone', 'MobilePhoneNumber', 'PHONE_NUMBER'),
    Birthdate: field('Birthdate', 'BirthDate'),
  }, true),
  template('Zendesk', 'users', '_zendeskUserId', {
    _zendeskUserId: field('id', 'Attributes.ZendeskUserId'),
    name: field('name', 'FirstName', 'NAME'),
    email: field('email', 'PersonalEmailAddress', 'EMAIL_ADDRESS'),
    phone: field('phone', 'PhoneNumber', 'PHONE_NUMBER'),
  }, true),
  template('ServiceNow', 'incident', '_serviceNowIncidentId', {
    _serviceNowIncidentId: field('sys_id', 'Attributes.ServiceNowIncidentId'),
    caller_id: field('caller_id.value', 'Attributes.ServiceNowCallerId'),
    short_description: field('short_description', 'Attributes.ServiceNowIncidentDescription'),
  }, false),
];

export const templateById = (id: string): Template | undefined => TEMPLATES.find((t) => t.TemplateId === id);
