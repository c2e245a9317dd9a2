package dev.lakehouse.fraud;

import java.io.Serializable;

/** Where and when (event time) a customer last transacted with coordinates. State store bean. */
public class LastPlace implements Serializable {
  private static final long serialVersionUID = 1L;

  private double latitude;
  private double longitude;
  private long eventMs;

  public double getLatitude() {
    return latitude;
  }

  public void setLatitude(double latitude) {
    this.latitude = latitude;
  }

  public double getLongitude() {
    return longitude;
  }

  public void setLongitude(double longitude) {
    this.longitude = longitude;
  }

  public long getEventMs() {
    return eventMs;
  }

  public void setEventMs(long eventMs) {
    this.eventMs = eventMs;
  }
}
