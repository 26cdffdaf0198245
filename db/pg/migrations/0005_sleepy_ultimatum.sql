CREATE TABLE "appointment_capacity" (
	"location_id" text NOT NULL,
	"service_code" text NOT NULL,
	"date" text NOT NULL,
	"capacity" integer NOT NULL,
	"recorded_at" timestamp (3) with time zone NOT NULL,
	CONSTRAINT "appointment_capacity_location_id_service_code_date_pk" PRIMARY KEY("location_id","service_code","date")
);
--> statement-breakpoint
ALTER TABLE "appointment_capacity" ADD CONSTRAINT "appointment_capacity_location_id_locations_id_fk" FOREIGN KEY ("location_id") REFERENCES "public"."locations"("id") ON DELETE no action ON UPDATE no action;