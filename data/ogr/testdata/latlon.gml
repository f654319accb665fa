<?xml version="1.0" encoding="utf-8" ?>
<ogr:FeatureCollection
     xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"
     xsi:schemaLocation="http://ogr.maptools.org/ latlon.xsd"
     xmlns:ogr="http://ogr.maptools.org/"
     xmlns:gml="http://www.opengis.net/gml">
  <gml:boundedBy><gml:Envelope srsName="urn:ogc:def:crs:EPSG::4326"><gml:lowerCorner>-9.2 124.36</gml:lowerCorner><gml:upperCorner>-8.25 125.6</gml:upperCorner></gml:Envelope></gml:boundedBy>
                                                                                                                                                              
  <ogr:featureMember>
    <ogr:sites gml:id="sites.0">
      <gml:boundedBy><gml:Envelope srsName="urn:ogc:def:crs:EPSG::4326"><gml:lowerCorner>-8.55 125.57</gml:lowerCorner><gml:upperCorner>-8.55 125.57</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::4326"><gml:pos>-8.55 125.57</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:name>Dili</ogr:name>
      <ogr:pcode>TL0701</ogr:pcode>
      <ogr:n>277279</ogr:n>
      <ogr:rate>-1.25</ogr:rate>
      <ogr:note xsi:nil="true"/>
      <ogr:surveyed>2020-09-11</ogr:surveyed>
      <ogr:updated>2021-03-04T05:06:07Z</ogr:updated>
      <ogr:coastal>true</ogr:coastal>
    </ogr:sites>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sites gml:id="sites.1">
      <gml:boundedBy><gml:Envelope srsName="urn:ogc:def:crs:EPSG::4326"><gml:lowerCorner>-9.2 124.36</gml:lowerCorner><gml:upperCorner>-9.2 124.36</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::4326"><gml:pos>-9.2 124.36</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:name>Pante Macassar</ogr:name>
      <ogr:pcode>TL1201</ogr:pcode>
      <ogr:n>8000000000</ogr:n>
      <ogr:rate>0.5</ogr:rate>
      <ogr:note>Oecussi</ogr:note>
      <ogr:surveyed>2019-01-31</ogr:surveyed>
      <ogr:updated xsi:nil="true"/>
      <ogr:coastal>false</ogr:coastal>
    </ogr:sites>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sites gml:id="sites.2">
      <gml:boundedBy><gml:Envelope srsName="urn:ogc:def:crs:EPSG::4326"><gml:lowerCorner>-8.25 125.6</gml:lowerCorner><gml:upperCorner>-8.25 125.6</gml:upperCorner></gml:Envelope></gml:boundedBy>
      <ogr:geometryProperty><gml:Point srsName="urn:ogc:def:crs:EPSG::4326"><gml:pos>-8.25 125.6</gml:pos></gml:Point></ogr:geometryProperty>
      <ogr:name>Beloi, Atauro</ogr:name>
      <ogr:pcode>TL0101</ogr:pcode>
      <ogr:n>0</ogr:n>
      <ogr:rate>0</ogr:rate>
      <ogr:note></ogr:note>
      <ogr:surveyed xsi:nil="true"/>
      <ogr:updated>2020-01-01T00:00:00Z</ogr:updated>
    </ogr:sites>
  </ogr:featureMember>
  <ogr:featureMember>
    <ogr:sites gml:id="sites.3">
      <ogr:name>no geometry</ogr:name>
      <ogr:pcode>TL0000</ogr:pcode>
      <ogr:n>-1</ogr:n>
      <ogr:rate>1e-09</ogr:rate>
      <ogr:note>ünïcødé ✓</ogr:note>
    </ogr:sites>
  </ogr:featureMember>
</ogr:FeatureCollection>
